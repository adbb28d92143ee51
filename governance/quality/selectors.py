"""Reads of data quality shared by the admin pages (and later the API and the health dashboard)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from governance.models import CheckResult, QualityCheck, QualityScore, QualitySla
from governance.quality.sla import sla_default


def latest_score_total():
    """A subquery: the latest total score of the outer dataset (for list annotations)."""
    newest = QualityScore.objects.filter(dataset=OuterRef("pk")).order_by("-computed_at")
    return Subquery(newest.values("total")[:1])


def latest_result_status():
    """A subquery: the status of the outer check's latest result."""
    return Subquery(
        CheckResult.objects.filter(quality_check=OuterRef("pk")).order_by("-ran_at").values("status")[:1]
    )


def dataset_quality(*, dataset, user, days: int = 90) -> dict:
    """The dataset page's quality panel: score history (one point a day, the day's last), the
    latest result of each check, and the SLA target."""
    scores = QualityScore.objects.visible_to(user).filter(dataset=dataset).order_by("computed_at")
    by_day = {}
    for computed_at, total in scores.values_list("computed_at", "total"):
        by_day[computed_at.date()] = total
    history = sorted(by_day.items())[-days:]
    checks = QualityCheck.objects.visible_to(user).filter(dataset=dataset).order_by("check_type", "column")
    latest = {}
    results = (
        CheckResult.objects.filter(quality_check__in=checks)
        .select_related("quality_check")
        .order_by("-ran_at")
    )
    for result in results[: 20 * max(len(checks), 1)]:
        latest.setdefault(result.quality_check_id, result)
    custom = QualitySla.objects.filter(dataset=dataset).values_list("target_score", flat=True).first()
    restricted = dataset.columns.filter(classification__level__gte=3).exists() or (
        dataset.classification is not None and dataset.classification.level >= 3
    )
    return {
        "score": scores.last(),
        "history": history,
        "checks": [(check, latest.get(check.pk)) for check in checks],
        "target": custom if custom is not None else sla_default(dataset, restricted=restricted),
    }
