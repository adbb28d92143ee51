"""Data-quality SLAs: the score each dataset must keep, and the monthly report against them.

Default targets (a QualitySla row overrides them): 85 for any dataset, 90 for marts, 95 for
curated facts and for datasets holding L3/L4 data (the dataset's or any column's classification).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Avg, Count, Max, Min, Q
from django.utils import timezone

from catalog.models import Dataset
from governance.models import QualityScore, QualitySla

BASE, MART, STRICT = 85.0, 90.0, 95.0


def sla_default(dataset: Dataset, *, restricted: bool) -> float:
    """`restricted`: the dataset or one of its columns is classified L3 or L4."""
    curated_fact = dataset.layer == Dataset.Layer.CURATED and dataset.name.rsplit(".", 1)[-1].startswith(
        "fact_"
    )
    if curated_fact or restricted:
        return STRICT
    return MART if dataset.layer == Dataset.Layer.MART else BASE


@dataclass
class SlaRow:
    dataset: Dataset
    target: float
    custom: bool  # a QualitySla row sets the target
    scores: int
    mean: float
    worst: float
    latest: float
    breaches: int  # scores of the month below the target

    @property
    def met(self) -> bool:
        return self.mean >= self.target


def sla_report(*, month: date, user) -> list[SlaRow]:
    """Every dataset scored in `month` (any day of it): its target, mean, worst and breaches."""
    start = timezone.make_aware(datetime.combine(month.replace(day=1), time.min))
    last = calendar.monthrange(month.year, month.month)[1]
    end = timezone.make_aware(datetime.combine(month.replace(day=last), time.max))
    scores = QualityScore.objects.visible_to(user).filter(computed_at__range=(start, end))
    stats = {
        row["dataset"]: row
        for row in scores.values("dataset").annotate(
            n=Count("id"), mean=Avg("total"), worst=Min("total"), last_at=Max("computed_at")
        )
    }
    datasets = (
        Dataset.objects.filter(pk__in=stats)
        .select_related("classification")
        .annotate(restricted_columns=Count("columns", filter=Q(columns__classification__level__gte=3)))
    )
    custom = dict(QualitySla.objects.filter(dataset__in=stats).values_list("dataset", "target_score"))
    latest = {(s.dataset_id, s.computed_at): s.total for s in scores.filter(dataset__in=stats)}
    rows = []
    for dataset in datasets:
        stat = stats[dataset.pk]
        restricted = bool(dataset.restricted_columns) or (
            dataset.classification and dataset.classification.level >= 3
        )
        target = custom.get(dataset.pk, sla_default(dataset, restricted=bool(restricted)))
        breaches = sum(1 for (d, _), total in latest.items() if d == dataset.pk and total < target)
        rows.append(
            SlaRow(
                dataset,
                target,
                dataset.pk in custom,
                stat["n"],
                round(stat["mean"], 2),
                stat["worst"],
                latest[(dataset.pk, stat["last_at"])],
                breaches,
            )
        )
    return sorted(rows, key=lambda r: (r.met, r.mean - r.target, r.dataset.name))


def layer_summary(rows: list[SlaRow]) -> list[tuple[str, float, int, int]]:
    """Per layer: (label, mean of the datasets' monthly means, datasets met, datasets)."""
    layers: dict[str, list[SlaRow]] = {}
    for row in rows:
        layers.setdefault(row.dataset.get_layer_display() or "No layer", []).append(row)
    return [
        (label, round(sum(r.mean for r in its) / len(its), 2), sum(r.met for r in its), len(its))
        for label, its in sorted(layers.items())
    ]
