"""Period-over-period changes, KPI tiles and breakdown tables over metric series.

Growth follows ../shared/reference/regulatory.md §8.4: MoM = v(m)/v(m-1) - 1, QoQ = v(q)/v(q-1) - 1,
YoY = v(t)/v(t - 12 months) - 1. For a metric that is itself a percentage (NRR, margin) a relative
change of a rate misleads, so tiles show its difference in percentage points instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from reporting.freshness import Freshness
from reporting.metric_layer import Grain, Metric
from reporting.series import Series, metric_breakdown, metric_series, period_start
from warehouse.reads.models import AccessLog

GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}
YEAR = 12


@dataclass(frozen=True)
class Change:
    value: Any
    previous: Any
    months: int  # how far back `previous` lies

    @property
    def relative(self) -> float | None:
        """value / previous - 1; None when either is missing or the previous value is zero."""
        if self.value is None or not self.previous:
            return None
        return float(Decimal(str(self.value)) / Decimal(str(self.previous))) - 1

    @property
    def difference(self):
        """value - previous (for a percentage metric a fraction: times 100 it is percentage points)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def shift(period: date, months: int) -> date:
    """The first day of the month `months` before `period` (negative: after)."""
    index = period.year * 12 + period.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def period_end(start: date, grain: Grain) -> date:
    """The last day of the period that `start` begins."""
    return date.fromordinal(shift(start, -GRAIN_MONTHS[grain]).toordinal() - 1)


def period_label(period: date, grain: Grain) -> str:
    """Mar 2026 for a month, 2026 Q1 for a quarter, 2026 for a year."""
    if grain == "year":
        return str(period.year)
    if grain == "quarter":
        return f"{period.year} Q{(period.month - 1) // 3 + 1}"
    return period.strftime("%b %Y")


def change(series: Series, period: date, *, months: int, segment=None) -> Change:
    """The value at `period` against the value `months` earlier, in the same series."""
    return Change(
        value=series.value(period, segment),
        previous=series.value(shift(period, months), segment),
        months=months,
    )


def mom(series: Series, period: date, segment=None) -> Change:
    return change(series, period, months=1, segment=segment)


def qoq(series: Series, period: date, segment=None) -> Change:
    return change(series, period, months=3, segment=segment)


def yoy(series: Series, period: date, segment=None) -> Change:
    return change(series, period, months=YEAR, segment=segment)


def previous_period(series: Series, period: date, segment=None) -> Change:
    """Against the period before, at the series' grain (MoM, QoQ or year on year)."""
    return change(series, period, months=GRAIN_MONTHS[series.grain], segment=segment)


@dataclass(frozen=True)
class Kpi:
    """A KPI tile: the latest value, its change on the period before and on the year before."""

    metric: Metric
    grain: Grain
    period: date | None  # None: nothing measured yet
    value: Any
    previous: Change | None
    year_on_year: Change | None
    freshness: Freshness


def metric_kpi(
    *,
    user,
    metric: str | Metric,
    grain: Grain = "month",
    end: date | None = None,
    where: dict | None = None,
    purpose: str = AccessLog.Purpose.DASHBOARD,
    request_id: str = "",
) -> Kpi:
    """The latest value up to `end` with its changes: one read covering the year before it."""
    start = shift(period_start(end, grain), YEAR) if end else None
    series = metric_series(
        user=user,
        metric=metric,
        grain=grain,
        start=start,
        end=end,
        where=where,
        purpose=purpose,
        request_id=request_id,
    )
    measured = [p.period for p in series.points if p.value is not None]
    if not measured:
        return Kpi(series.metric, grain, None, None, None, None, series.freshness)
    latest = max(measured)
    return Kpi(
        metric=series.metric,
        grain=grain,
        period=latest,
        value=series.value(latest),
        previous=previous_period(series, latest),
        year_on_year=yoy(series, latest),
        freshness=series.freshness,
    )


@dataclass(frozen=True)
class BreakdownRow:
    segment: Any  # None on the total row
    value: Any
    share: float | None  # of the total, for sums; None for ratios and quantiles
    is_total: bool = False


@dataclass(frozen=True)
class Breakdown:
    metric: Metric
    dimension: str
    period: date | None
    rows: tuple[BreakdownRow, ...]  # segments by value, largest first, then the total
    freshness: Freshness


def breakdown_table(
    *,
    user,
    metric: str | Metric,
    dimension: str,
    grain: Grain = "month",
    period: date | None = None,
    where: dict | None = None,
    purpose: str = AccessLog.Purpose.DASHBOARD,
    request_id: str = "",
) -> Breakdown:
    """One period's value per segment with a total row (the sum for sums, the ratio of the summed
    parts for ratios); `period` defaults to the latest measured one."""
    start = period_start(period, grain) if period else None
    by_segment, total = metric_breakdown(
        user=user,
        metric=metric,
        dimension=dimension,
        grain=grain,
        start=start,
        end=period_end(start, grain) if start else None,
        where=where,
        purpose=purpose,
        request_id=request_id,
    )
    measured = total.periods()
    chosen = start if start else (max(measured) if measured else None)
    total_value = total.value(chosen) if chosen else None
    segments = [p for p in by_segment.points if p.period == chosen]
    segments.sort(key=lambda p: (p.value is None, -(p.value or 0), str(p.segment)))
    sums = by_segment.metric.measure == "sum"
    rows = [
        BreakdownRow(p.segment, p.value, _share(p.value, total_value) if sums else None) for p in segments
    ]
    if rows:
        rows.append(BreakdownRow(None, total_value, 1.0 if sums and total_value else None, is_total=True))
    return Breakdown(by_segment.metric, dimension, chosen, tuple(rows), by_segment.freshness)


def _share(value, total) -> float | None:
    if value is None or not total:
        return None
    return float(Decimal(str(value)) / Decimal(str(total)))
