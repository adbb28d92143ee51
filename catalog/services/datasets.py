"""Writes for datasets and columns: upserts used by every importer, classification, glossary links."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.models import Classification, ClassificationSource, Column, Dataset, GlossaryTerm, Source


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


CURATED_FIELDS = {
    "description",
    "layer",
    "owner",
    "steward",
    "classification",
    "tags",
    "retention_policy_ref",
}


def dataset_update(*, dataset: Dataset, actor, **fields) -> Dataset:
    """A steward's edit of a dataset's curated fields (description, owner, classification …)."""
    unknown = set(fields) - CURATED_FIELDS
    if unknown:
        raise ValidationError(f"These fields are not edited by hand: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        for field, value in fields.items():
            setattr(dataset, field, value)
        if "classification" in fields:  # a steward's level: no dbt import replaces it
            dataset.classification_source = ClassificationSource.STEWARD if dataset.classification else ""
        dataset.full_clean(validate_unique=False, validate_constraints=False)
        dataset.save()
    return dataset


def column_upsert(*, dataset: Dataset, name: str, known: dict | None = None, **fields) -> tuple[Column, bool]:
    """Find a column by dataset and name or create it; set only the (non-empty) fields given.

    `known` (name -> Column, from `dataset_columns`) saves a lookup per column in bulk imports;
    new columns are added to it.
    """
    column = (
        known.get(name) if known is not None else Column.objects.filter(dataset=dataset, name=name).first()
    )
    created = column is None
    if created:
        column = Column(dataset=dataset, name=name)
    changed = _assign(column, fields) or created or column.removed_at is not None
    column.removed_at = None
    if changed:
        # The dataset is a saved instance in hand: skip the query that would re-check it exists.
        column.full_clean(exclude=["dataset"], validate_unique=False, validate_constraints=False)
        column.save()
    if known is not None:
        known[name] = column
    return column, created


def dataset_columns(dataset: Dataset) -> dict[str, Column]:
    """The dataset's columns by name, in one query (for `column_upsert(known=...)`)."""
    return {column.name: column for column in Column.objects.filter(dataset=dataset)}


def dataset_mark_removed(*, dataset: Dataset) -> bool:
    """Mark a dataset its source no longer has as removed: kept for history, out of current lineage.

    Saved (not a bulk update) so the removal reaches the audit trail with the actor. Returns
    whether anything changed; an upsert brings the dataset back.
    """
    if dataset.removed_at is not None:
        return False
    dataset.removed_at = timezone.now()
    dataset.save(update_fields=["removed_at", "updated_at"])
    return True


def column_mark_removed(*, column: Column) -> bool:
    """As `dataset_mark_removed`, for a column its dataset no longer has."""
    if column.removed_at is not None:
        return False
    column.removed_at = timezone.now()
    column.save(update_fields=["removed_at"])
    return True


def _assign(instance, fields: dict) -> bool:
    changed = False
    for field, value in fields.items():
        if value is not None and getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    return changed


def column_classify(
    *,
    column: Column,
    classification: Classification | None,
    pii_category: str | None = None,
    source: str = ClassificationSource.STEWARD,
    actor,
) -> Column:
    """Set a column's classification (and PII category); propose the same level downstream.

    The change is audited (django-auditlog, with the actor); downstream columns get pending
    suggestions, never silent changes. `source` records who decided (a steward, or a suggestion
    a steward confirmed), so no import or derivation replaces it; clearing the level releases it.
    """
    from catalog.services.propagation import classification_propagate

    with transaction.atomic():
        column = Column.objects.select_for_update().get(pk=column.pk)
        column.classification = classification
        column.classification_source = source if classification is not None else ""
        if pii_category is not None:
            column.pii_category = pii_category
        column.full_clean(validate_unique=False, validate_constraints=False)
        column.save(update_fields=["classification", "classification_source", "pii_category"])
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
