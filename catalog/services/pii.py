"""PII scanning and the steward's review of suggestions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalog import pii
from catalog.models import Classification, ClassificationSource, ClassificationSuggestion, Column

Suggestion = ClassificationSuggestion


def _suggest(column, rule, detector, reason, score) -> tuple[Suggestion, bool]:
    return Suggestion.objects.get_or_create(
        column=column,
        detector=detector,
        suggested_pii_category=rule.category,
        suggested_classification=Classification.objects.get(code=rule.classification),
        status=Suggestion.Status.PENDING,
        defaults={"reason": reason, "score": score},
    )


def pii_scan(*, columns, samples: dict | None = None, actor) -> list[Suggestion]:
    """Suggest PII categories for `columns` from their names and, if given, sampled values.

    `samples` maps column id -> a list of values. Columns already carrying a PII category are
    skipped. Returns the new suggestions; running it twice creates nothing new.
    """
    samples = samples or {}
    created = []
    for column in columns:
        if column.pii_category:
            continue
        rule = pii.match_name(column.name)
        if rule:
            s, new = _suggest(
                column, rule, Suggestion.Detector.NAME_PATTERN, f"column name looks like {rule.label}", 0.7
            )
            created += [s] if new else []
        found = pii.match_values(samples.get(column.pk, []))
        if found:
            rule, share = found
            reason = f"{share:.0%} of sampled values look like {rule.label}"
            s, new = _suggest(column, rule, Suggestion.Detector.VALUE_SAMPLE, reason, round(share, 3))
            created += [s] if new else []
    return created


def _review(suggestion, actor, status):
    if not actor.has_perm("catalog.change_classificationsuggestion"):
        raise PermissionDenied(f"{actor} may not review classification suggestions.")
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != Suggestion.Status.PENDING:
        raise ValidationError(f"This suggestion was already {locked.get_status_display().lower()}.")
    locked.status, locked.reviewed_by, locked.reviewed_at = status, actor, timezone.now()
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return locked


def suggestion_accept(*, suggestion: Suggestion, actor) -> Suggestion:
    """Apply the suggestion to its column (never lowering its level) and mark it accepted."""
    from catalog.services.datasets import column_classify

    with transaction.atomic():
        suggestion = _review(suggestion, actor, Suggestion.Status.ACCEPTED)
        column = Column.objects.select_related("classification").get(pk=suggestion.column_id)
        proposed = suggestion.suggested_classification
        keep = column.classification and proposed and column.classification.level >= proposed.level
        column_classify(
            column=column,
            classification=column.classification if keep else proposed,
            pii_category=suggestion.suggested_pii_category or None,
            source=ClassificationSource.SUGGESTION,
            actor=actor,
        )
    return suggestion


def suggestion_reject(*, suggestion: Suggestion, actor) -> Suggestion:
    with transaction.atomic():
        return _review(suggestion, actor, Suggestion.Status.REJECTED)


def producer_tags_suggest(*, column: Column, tags: list[dict]) -> list[Suggestion]:
    """Turn a producer's column tags (OpenLineage `tags` facet: classification=L3, pii=email)
    into pending suggestions; a producer's word is a proposal, never a silent change."""
    code = next((t["value"] for t in tags if t["key"].lower() == "classification"), None)
    level = Classification.objects.filter(code=str(code).upper()).first() if code else None
    pii_value = next((t["value"] for t in tags if t["key"].lower() == "pii"), None)
    rule = pii.match_name(str(pii_value)) if pii_value else None
    if level is None and rule is None:
        return []
    if level is None:
        level = Classification.objects.get(code=rule.classification)
    suggestion, new = Suggestion.objects.get_or_create(
        column=column,
        detector=Suggestion.Detector.PRODUCER_TAG,
        suggested_classification=level,
        suggested_pii_category=rule.category if rule else "",
        status=Suggestion.Status.PENDING,
        defaults={"reason": "tagged by the producer: " + ", ".join(f"{t['key']}={t['value']}" for t in tags)},
    )
    return [suggestion] if new else []
