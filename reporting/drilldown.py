"""The rows behind a number: `metric_rows(user=…, metric="arr", period=date(2026, 3, 1), …)`.

Every column of the metric's mart for the months (or, for quantiles, the period) the number
covers, with the metric's own filters and the segment asked for, read through the governed path:
columns above the reader's clearance come back masked and the read is logged. Never cached: a
drill-down is a look at rows, and each one is its own logged read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reporting.metric_layer import Grain, Metric, metric_layer
from reporting.periods import GRAIN_MONTHS, period_end, shift
from reporting.series import MetricQueryError, check_request, metric_filters, period_start, time_column_of
from warehouse.reads.models import AccessLog
from warehouse.reads.query import ReadQuery
from warehouse.reads.service import governed_read

DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000


@dataclass(frozen=True)
class MetricRows:
    metric: Metric
    period: date
    grain: Grain
    where: dict[str, Any]
    columns: list[str]
    rows: list[dict]
    masked: dict[str, str]  # column -> masking method the read path applied for this reader
    limit: int
    truncated: bool  # more rows exist than `limit`


def metric_rows(
    *,
    user,
    metric: str | Metric,
    period: date,
    grain: Grain = "month",
    where: dict[str, Any] | None = None,
    limit: int = DEFAULT_LIMIT,
    purpose: str = AccessLog.Purpose.DASHBOARD,
    request_id: str = "",
) -> MetricRows:
    """The mart rows behind the metric's value at `period` (see the module docstring)."""
    metric = metric_layer().get(metric) if isinstance(metric, str) else metric
    where = where or {}
    if not 1 <= limit <= MAX_LIMIT:
        raise MetricQueryError(f"The row limit must be between 1 and {MAX_LIMIT}.")
    check_request(metric, grain, None, where)
    start, end = _months(metric, period_start(period, grain), grain)
    time_column = time_column_of(metric, grain)
    query = ReadQuery(
        table=metric.mart,
        filters=metric_filters(metric, time_column, "month" if metric.rolls_up else grain, start, end, where),
        order_by=(time_column, *metric.dimensions),
        limit=limit + 1,
    )
    result = governed_read(user=user, purpose=purpose, query=query, request_id=request_id)
    rows = result.data.to_pylist()
    return MetricRows(
        metric=metric,
        period=period_start(period, grain),
        grain=grain,
        where=where,
        columns=result.data.column_names,
        rows=rows[:limit],
        masked=dict(result.masked),
        limit=limit,
        truncated=len(rows) > limit,
    )


def _months(metric: Metric, start: date, grain: Grain) -> tuple[date, date]:
    """The first and last value of the time column that make up the number at `start`."""
    if not metric.rolls_up:  # quantile marts store the period itself per grain
        return start, start
    last_month = shift(start, 1 - GRAIN_MONTHS[grain])
    if metric.period == "end":  # the value at the period's last month (a complete period)
        return last_month, last_month
    if metric.period == "start":
        return start, start
    return start, period_end(start, grain)
