"""Writes for datasets and columns: upserts used by every importer, classification, glossary links."""

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Classification, Column, Dataset, GlossaryTerm, Source


def dataset_upsert(
    *, namespace: str, name: str, source: str = Source.MANUAL, **fields
) -> tuple[Dataset, bool]:
    """Find a dataset by its OpenLineage identity or create it; set only the fields given.

    Saves only when something changed, so re-importing the same metadata writes nothing.
    """
    dataset = Dataset.objects.filter(namespace=namespace, name=name).first()
    created = dataset is None
    if created:
        dataset = Dataset(namespace=namespace, name=name, source=source)
    changed = _assign(dataset, fields) or created or dataset.removed_at is not None
    dataset.removed_at = None
    if changed:
        dataset.full_clean(validate_unique=False, validate_constraints=False)
        dataset.save()
    return dataset, created


def column_upsert(*, dataset: Dataset, name: str, **fields) -> tuple[Column, bool]:
    """Find a column by dataset and name or create it; set only the (non-empty) fields given."""
    column = Column.objects.filter(dataset=dataset, name=name).first()
    created = column is None
    if created:
        column = Column(dataset=dataset, name=name)
    changed = _assign(column, fields) or created or column.removed_at is not None
    column.removed_at = None
    if changed:
        column.full_clean(validate_unique=False, validate_constraints=False)
        column.save()
    return column, created


def _assign(instance, fields: dict) -> bool:
    changed = False
    for field, value in fields.items():
        if value is not None and getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    return changed


def column_classify(
    *, column: Column, classification: Classification | None, pii_category: str | None = None, actor
) -> Column:
    """Set a column's classification (and PII category); propose the same level downstream.

    The change is audited (django-auditlog, with the actor); downstream columns get pending
    suggestions, never silent changes.
    """
    from catalog.services.propagation import classification_propagate

    with transaction.atomic():
        column = Column.objects.select_for_update().get(pk=column.pk)
        column.classification = classification
        if pii_category is not None:
            column.pii_category = pii_category
        column.full_clean(validate_unique=False, validate_constraints=False)
        column.save(update_fields=["classification", "pii_category"])
        if classification is not None:
            classification_propagate(column=column, actor=actor)
    return column


def column_attach_term(*, column: Column, term: GlossaryTerm, actor) -> Column:
    """Link an approved glossary term to a column; draft, in-review or deprecated terms are refused."""
    if term.status != GlossaryTerm.Status.APPROVED:
        raise ValidationError(
            f"Only approved terms can be attached; {term.name!r} is {term.get_status_display()}."
        )
    column.glossary_terms.add(term)
    return column
