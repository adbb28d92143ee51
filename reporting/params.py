"""Query-string parameters of the metric pages and API, parsed once with clear refusals.

`grain`, `start`, `end` (YYYY-MM-DD), `dimension`, `period`, `limit`, and any declared dimension
as a filter (`tier=enterprise`, repeated for several values). Anything else is refused, so a
misspelt filter never silently widens a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reporting.drilldown import DEFAULT_LIMIT, MAX_LIMIT
from reporting.metric_layer import GRAINS, Metric
from reporting.series import MetricQueryError

KNOWN = {"grain", "start", "end", "dimension", "period", "limit", "format", "page"}


@dataclass(frozen=True)
class MetricParams:
    grain: str = "month"
    start: date | None = None
    end: date | None = None
    dimension: str | None = None
    period: date | None = None
    limit: int = DEFAULT_LIMIT
    where: dict[str, Any] = field(default_factory=dict)

    def query_string(self) -> dict[str, Any]:
        """The filters as query parameters (for links to the rows behind a number)."""
        return {"grain": self.grain, **self.where}


def metric_params(metric: Metric, params) -> MetricParams:
    """Parse a QueryDict (or a plain dict of lists) for `metric`; MetricQueryError says what is wrong."""
    unknown = sorted(set(params) - KNOWN - set(metric.dimensions))
    if unknown:
        allowed = ", ".join(sorted(KNOWN - {"format", "page"}) + list(metric.dimensions))
        raise MetricQueryError(
            f"Unknown parameter(s) {', '.join(unknown)} for {metric.label}; use {allowed}."
        )
    grain = params.get("grain") or "month"
    if grain not in GRAINS:
        raise MetricQueryError(f"Unknown grain {grain!r}; use month, quarter or year.")
    dimension = params.get("dimension") or None
    if dimension and dimension not in metric.dimensions:
        allowed = ", ".join(metric.dimensions) or "none"
        raise MetricQueryError(f"{metric.label} cannot be broken down by {dimension!r} (allowed: {allowed}).")
    where = {}
    for name in metric.dimensions:
        values = params.getlist(name) if hasattr(params, "getlist") else params.get(name)
        if values:
            values = [int(v) if v.isdigit() else v for v in values]  # ids such as tenant_id are integers
            where[name] = values[0] if len(values) == 1 else values
    return MetricParams(
        grain=grain,
        start=_date(params, "start"),
        end=_date(params, "end"),
        dimension=dimension,
        period=_date(params, "period"),
        limit=_limit(params.get("limit")),
        where=where,
    )


def _date(params, name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MetricQueryError(f"`{name}` must be a date as YYYY-MM-DD, not {value!r}.") from None


def _limit(value) -> int:
    if not value:
        return DEFAULT_LIMIT
    if not str(value).isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise MetricQueryError(f"`limit` must be a whole number from 1 to {MAX_LIMIT}.")
    return int(value)
