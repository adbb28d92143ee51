"""Reads behind the data-health dashboard: scores by layer and their trend, the weakest tables,
failing checks, stale datasets and anomalies waiting for a steward.

Each read goes through `visible_to(user)` and costs one query (two with a count), whatever the
number of datasets, results or scores.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Avg, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from catalog.models import Dataset
from governance.models import CheckResult, FreshnessIncident, MetricAnomaly, QualityCheck, QualityScore
from governance.quality.selectors import latest_result_status

NO_LAYER = "No layer"
LAYER_LABELS = dict(Dataset.Layer.choices)


def latest_scores(*, user) -> list[QualityScore]:
    """The newest score of every dataset the user may see, lowest first."""
    scores = QualityScore.objects.visible_to(user)
    newest = scores.filter(dataset=OuterRef("dataset")).order_by("-computed_at", "-pk").values("pk")[:1]
    return list(
        scores.filter(pk=Subquery(newest)).select_related("dataset").order_by("total", "dataset__name")
    )


def layer_scores(latest: list[QualityScore]) -> list[dict]:
    """Per layer: the mean of its datasets' newest scores, the lowest, and how many datasets."""
    layers: dict[str, list[float]] = {}
    for score in latest:
        layers.setdefault(score.dataset.layer, []).append(score.total)
    return [
        {
            "layer": layer,
            "label": LAYER_LABELS.get(layer, NO_LAYER),
            "mean": round(sum(totals) / len(totals), 1),
            "lowest": round(min(totals), 1),
            "datasets": len(totals),
        }
        for layer, totals in sorted(
            layers.items(), key=lambda kv: list(LAYER_LABELS).index(kv[0]) if kv[0] in LAYER_LABELS else 99
        )
    ]


def score_trend(*, user, today: date, days: int = 90) -> list[dict]:
    """The daily mean score per layer over the last `days` days (every score of the day counts)."""
    start = timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))
    rows = (
        QualityScore.objects.visible_to(user)
        .filter(computed_at__gte=start)
        .annotate(day=TruncDate("computed_at"))
        .values("day", "dataset__layer")
        .annotate(score=Avg("total"))
        .order_by("day", "dataset__layer")
    )
    return [
        {
            "day": row["day"].isoformat(),
            "layer": LAYER_LABELS.get(row["dataset__layer"], NO_LAYER),
            "score": round(row["score"], 1),
        }
        for row in rows
    ]


def failing_checks(*, user, limit: int = 15) -> tuple[int, list[QualityCheck]]:
    """Enabled checks whose latest result failed (at warn or error severity) or could not run:
    error-severity checks first."""
    checks = (
        QualityCheck.objects.visible_to(user)
        .filter(enabled=True)
        .annotate(latest_status=latest_result_status())
        .filter(
            latest_status__in=[CheckResult.Status.WARN, CheckResult.Status.FAIL, CheckResult.Status.ERROR]
        )
    )
    ordered = checks.select_related("dataset").order_by("severity", "dataset__name", "check_type")
    return checks.count(), list(ordered[:limit])


def stale_datasets(*, user, limit: int = 15) -> tuple[int, list[FreshnessIncident]]:
    """Datasets with an open freshness incident, stale the longest first."""
    incidents = FreshnessIncident.objects.visible_to(user).filter(closed_at__isnull=True)
    return incidents.count(), list(incidents.select_related("dataset").order_by("opened_at", "pk")[:limit])


def anomalies_waiting(*, user, limit: int = 15) -> tuple[int, list[MetricAnomaly]]:
    """Anomalies no steward has acknowledged yet, the newest first."""
    waiting = MetricAnomaly.objects.visible_to(user).filter(acknowledged_at__isnull=True)
    return waiting.count(), list(waiting.order_by("-day", "metric", "subject")[:limit])
