"""A metric over time, read through the governed path: `metric_series(user=…, metric="arr", …)`.

Sums and ratios are read per month in one query and rolled up to quarters and years here (a
ratio as the ratio of the summed parts, never an average of monthly ratios). Quantiles cannot be
rolled up, so their marts store a period column per grain and are queried at that grain.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from reporting.cache import cached_read
from reporting.freshness import Freshness, current_freshness
from reporting.metric_layer import GRAINS, Grain, Metric, metric_layer
from warehouse.reads.models import AccessLog
from warehouse.reads.query import Aggregate, Filter, ReadInvalid, ReadQuery


class MetricQueryError(ReadInvalid):
    """The metric cannot be asked this way (unknown dimension, grain or filter)."""


@dataclass(frozen=True)
class Point:
    period: date  # first day of the month, quarter or year
    value: Any  # int, Decimal or float; None where the denominator is zero or nothing was measured
    segment: Any = None  # the dimension's value when the series is broken down


@dataclass(frozen=True)
class Series:
    metric: Metric
    grain: Grain
    dimension: str | None
    points: tuple[Point, ...]
    freshness: Freshness = field(default_factory=lambda: Freshness(run_id=None))  # the run behind them
    cached: bool = False  # served from the metric cache of that run (the read is logged either way)
    masked: dict = field(default_factory=dict)  # column -> masking method, as the read path applied

    def segments(self) -> list:
        return sorted({p.segment for p in self.points}, key=lambda s: (s is None, str(s)))

    def periods(self) -> list[date]:
        return sorted({p.period for p in self.points})

    def value(self, period: date, segment=None):
        """The value at `period` (and `segment`); None where nothing was measured."""
        return next((p.value for p in self.points if p.period == period and p.segment == segment), None)


def period_start(day: date, grain: Grain) -> date:
    if grain == "year":
        return date(day.year, 1, 1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, day.month, 1)


def metric_series(
    *,
    user,
    metric: str | Metric,
    grain: Grain = "month",
    start: date | None = None,
    end: date | None = None,
    dimension: str | None = None,
    where: dict[str, Any] | None = None,
    purpose: str = AccessLog.Purpose.DASHBOARD,
    request_id: str = "",
) -> Series:
    """The metric per period (and per `dimension` value), from `start` to `end` inclusive."""
    metric = metric_layer().get(metric) if isinstance(metric, str) else metric
    series, _ = _read(metric, grain, dimension, start, end, where or {}, user, purpose, request_id)
    return series


def metric_breakdown(
    *,
    user,
    metric: str | Metric,
    dimension: str,
    grain: Grain = "month",
    start: date | None = None,
    end: date | None = None,
    where: dict[str, Any] | None = None,
    purpose: str = AccessLog.Purpose.DASHBOARD,
    request_id: str = "",
) -> tuple[Series, Series]:
    """The metric per `dimension` value and its total, from one read: the total of a sum is the
    sum of the segments, of a ratio the ratio of their summed parts. Quantiles cannot be combined
    from segments, so their total is a second read."""
    metric = metric_layer().get(metric) if isinstance(metric, str) else metric
    where = where or {}
    if not dimension:
        raise MetricQueryError("A breakdown needs a dimension.")
    by_segment, rows = _read(metric, grain, dimension, start, end, where, user, purpose, request_id)
    if not metric.rolls_up:
        total, _ = _read(metric, grain, None, start, end, where, user, purpose, request_id)
        return by_segment, total
    points = _roll_up(metric, rows, time_column_of(metric, grain), grain, None)
    return by_segment, replace(by_segment, dimension=None, points=tuple(points))


def _read(metric: Metric, grain, dimension, start, end, where, user, purpose, request_id):
    check_request(metric, grain, dimension, where)
    time_column = time_column_of(metric, grain)
    query = ReadQuery(
        table=metric.mart,
        columns=(time_column, *((dimension,) if dimension else ())),
        aggregates=_aggregates(metric),
        filters=metric_filters(metric, time_column, grain, start, end, where),
        order_by=(time_column,),
    )
    freshness = current_freshness()
    read = cached_read(user=user, query=query, purpose=purpose, freshness=freshness, request_id=request_id)
    series = Series(
        metric=metric,
        grain=grain,
        dimension=dimension,
        points=tuple(_roll_up(metric, read.rows, time_column, grain, dimension)),
        freshness=freshness,
        cached=read.cached,
        masked=read.masked,
    )
    return series, read.rows


def time_column_of(metric: Metric, grain: Grain) -> str:
    return metric.time["month"] if metric.rolls_up else metric.time[grain]


def check_request(metric: Metric, grain: str, dimension: str | None, where: dict) -> None:
    if grain not in GRAINS:
        raise MetricQueryError(f"Unknown grain {grain!r}; use month, quarter or year.")
    if not metric.rolls_up and grain not in metric.time:
        raise MetricQueryError(f"{metric.label} is not available per {grain}.")
    for name in [*([dimension] if dimension else []), *where]:
        if name not in metric.dimensions:
            allowed = ", ".join(metric.dimensions) or "none"
            raise MetricQueryError(f"{metric.label} cannot be broken down by {name!r} (allowed: {allowed}).")


def _aggregates(metric: Metric) -> tuple[Aggregate, ...]:
    if metric.measure == "ratio":
        numerator, denominator = metric.columns
        return (Aggregate("sum", numerator, "numerator"), Aggregate("sum", denominator, "denominator"))
    return (Aggregate(metric.measure, metric.columns[0], "value"),)


def metric_filters(metric: Metric, time_column, grain, start, end, where) -> tuple[Filter, ...]:
    filters = [Filter(f["column"], f.get("op", "="), f.get("value")) for f in metric.filters]
    for column, value in where.items():
        filters.append(
            Filter(column, "in", list(value))
            if isinstance(value, list | tuple)
            else Filter(column, "=", value)
        )
    if start is not None:
        filters.append(Filter(time_column, ">=", period_start(start, grain)))
    if end is not None:
        filters.append(Filter(time_column, "<=", end))
    return tuple(filters)


def _roll_up(metric: Metric, rows: list[dict], time_column: str, grain: Grain, dimension: str | None):
    """Group the rows per period and segment and compute each value (see the module docstring)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[(period_start(row[time_column], grain), row.get(dimension) if dimension else None)].append(row)
    # the months each period holds over all segments: a segment with no row in a quarter's last
    # month has no value at that quarter's end, not the value of an earlier month
    months: dict[date, list[date]] = defaultdict(list)
    for row in rows:
        months[period_start(row[time_column], grain)].append(row[time_column])
    points = []
    for (period, segment), members in sorted(groups.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        if metric.period in ("end", "start"):
            edge = max(months[period]) if metric.period == "end" else min(months[period])
            members = [row for row in members if row[time_column] == edge]
            if not members:
                continue
        points.append(Point(period=period, value=_value(metric, members), segment=segment))
    return points


def _value(metric: Metric, rows: list[dict]):
    if metric.measure == "ratio":
        numerator = sum((row["numerator"] or 0) for row in rows)
        denominator = sum((row["denominator"] or 0) for row in rows)
        return None if not denominator else float(Decimal(numerator) / Decimal(denominator))
    if metric.rolls_up:
        return sum((row["value"] or 0) for row in rows)
    return rows[0]["value"] if len(rows) == 1 else None  # quantiles: one row per period by construction
