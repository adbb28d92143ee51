"""Glossary workflow: draft -> in review -> approved -> deprecated, with the four-eyes rule."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.models import GlossaryTerm, GlossaryTermEvent

Status = GlossaryTerm.Status
WORDING_FIELDS = {"name", "definition", "synonyms", "parent", "owner"}


def _record(term, *, action, from_status, actor, note=""):
    GlossaryTermEvent.objects.create(
        term=term, action=action, from_status=from_status, to_status=term.status, actor=actor, note=note
    )


def _require(actor, perm: str):
    if not actor.has_perm(perm):
        raise PermissionDenied(f"{actor} lacks {perm}.")


def glossary_term_create(*, name: str, definition: str, actor, **fields) -> GlossaryTerm:
    _require(actor, "catalog.add_glossaryterm")
    related = fields.pop("related_terms", None)
    reviewers = fields.pop("reviewers", None)
    with transaction.atomic():
        term = GlossaryTerm(name=name, definition=definition, last_edited_by=actor, **fields)
        term.last_edited_at = timezone.now()
        term.full_clean()
        term.save()
        if related is not None:
            term.related_terms.set(related)
        if reviewers is not None:
            term.reviewers.set(reviewers)
        _record(term, action="created", from_status="", actor=actor)
    return term


def glossary_term_update(*, term: GlossaryTerm, actor, **fields) -> GlossaryTerm:
    """Edit a term. Changing the wording of an approved term sends it back to draft."""
    _require(actor, "catalog.change_glossaryterm")
    related = fields.pop("related_terms", None)
    reviewers = fields.pop("reviewers", None)
    with transaction.atomic():
        term = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
        before = term.status
        wording_changed = any(getattr(term, f) != v for f, v in fields.items() if f in WORDING_FIELDS)
        for field, value in fields.items():
            setattr(term, field, value)
        if wording_changed:
            term.last_edited_by, term.last_edited_at = actor, timezone.now()
            if term.status in (Status.APPROVED, Status.IN_REVIEW):
                term.status, term.approved_by, term.approved_at = Status.DRAFT, None, None
        term.full_clean()
        term.save()
        if related is not None:
            term.related_terms.set(related)
        if reviewers is not None:
            term.reviewers.set(reviewers)
        _record(term, action="edited", from_status=before, actor=actor)
    return term


def _transition(term, *, allowed_from, to, action, actor, check=None, note=""):
    with transaction.atomic():
        term = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
        if term.status not in allowed_from:
            raise ValidationError(
                f"{term.name!r} is {term.get_status_display()}; cannot {action.rstrip('d')}."
            )
        if check:
            check(term)
        before, term.status = term.status, to
        if to == Status.APPROVED:
            term.approved_by, term.approved_at = actor, timezone.now()
        term.save()
        _record(term, action=action, from_status=before, actor=actor, note=note)
    return term


def glossary_term_submit(*, term: GlossaryTerm, actor) -> GlossaryTerm:
    _require(actor, "catalog.change_glossaryterm")
    return _transition(
        term, allowed_from={Status.DRAFT}, to=Status.IN_REVIEW, action="submitted", actor=actor
    )


def glossary_term_approve(*, term: GlossaryTerm, actor, note: str = "") -> GlossaryTerm:
    """Approve a term in review. The last editor cannot approve (four eyes); named reviewers only."""
    _require(actor, "catalog.review_glossaryterm")

    def four_eyes(locked):
        if locked.last_edited_by_id == actor.pk:
            raise PermissionDenied(
                "Four-eyes rule: you edited this term last, so someone else must approve it."
            )
        reviewers = list(locked.reviewers.values_list("pk", flat=True))
        if reviewers and actor.pk not in reviewers:
            raise PermissionDenied("Only the term's named reviewers may approve it.")

    return _transition(
        term,
        allowed_from={Status.IN_REVIEW},
        to=Status.APPROVED,
        action="approved",
        actor=actor,
        check=four_eyes,
        note=note,
    )


def glossary_term_deprecate(*, term: GlossaryTerm, actor, note: str = "") -> GlossaryTerm:
    _require(actor, "catalog.review_glossaryterm")
    return _transition(
        term,
        allowed_from={Status.APPROVED},
        to=Status.DEPRECATED,
        action="deprecated",
        actor=actor,
        note=note,
    )
