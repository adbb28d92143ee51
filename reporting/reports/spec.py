"""What a report asks for, checked against the metric layer before anything is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reporting.dashboard_params import DIMENSION_LABELS
from reporting.metric_layer import GRAINS, metric_layer
from reporting.periods import shift


class ReportInvalid(ValueError):
    """The report cannot be read as asked; the message says why, in words for its owner."""


@dataclass(frozen=True)
class ReportSpec:
    title: str
    metrics: tuple[str, ...]
    grain: str = "month"
    start: date | None = None
    end: date | None = None
    dimension: str = ""
    filters: dict = field(default_factory=dict)

    def check(self) -> None:
        """Raise ReportInvalid naming the first problem: no metric, a removed metric, a dimension
        or filter a metric does not allow, a grain or period that cannot be read."""
        if not self.metrics:
            raise ReportInvalid("Pick at least one metric.")
        if self.grain not in GRAINS:
            raise ReportInvalid(f"Unknown grain {self.grain!r}; use month, quarter or year.")
        if self.start and self.end and self.start > self.end:
            raise ReportInvalid(f"The period starts ({self.start}) after it ends ({self.end}).")
        layer = metric_layer()
        for name in self.metrics:
            metric = layer.metrics.get(name)
            if metric is None:
                raise ReportInvalid(f"The metric {name!r} is no longer in the metric layer.")
            if self.dimension and self.dimension not in metric.dimensions:
                raise ReportInvalid(
                    f"{metric.label} cannot be broken down by {_named(self.dimension)}{_allowed(metric)}"
                )
            for column in self.filters:
                if column not in metric.dimensions:
                    raise ReportInvalid(
                        f"{metric.label} cannot be filtered on {_named(column)}{_allowed(metric)}"
                    )


def period_window(period: str, *, today: date, start: date | None = None, end: date | None = None):
    """(start, end) of a saved report's relative period, in whole months ending last month."""
    last_month = shift(date(today.year, today.month, 1), 1)
    if period == "custom":
        if not (start and end):
            raise ReportInvalid("A custom period needs both a start and an end date.")
        return start, end
    if period == "last_12_months":
        return shift(last_month, 11), _month_end(last_month)
    if period == "last_24_months":
        return shift(last_month, 23), _month_end(last_month)
    if period == "year_to_date":
        return date(last_month.year, 1, 1), _month_end(last_month)
    if period == "last_full_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ReportInvalid(f"Unknown period {period!r}.")


def spec_for_saved_report(report, *, today: date) -> ReportSpec:
    start, end = period_window(report.period, today=today, start=report.start, end=report.end)
    return ReportSpec(
        title=report.name,
        metrics=tuple(report.metrics or ()),
        grain=report.grain,
        start=start,
        end=end,
        dimension=report.dimension,
        filters=dict(report.filters or {}),
    )


def _named(dimension: str) -> str:
    return DIMENSION_LABELS.get(dimension, repr(dimension)).lower()


def _allowed(metric) -> str:
    if not metric.dimensions:
        return ": it has no breakdown."
    return f"; it allows {', '.join(_named(d) for d in metric.dimensions)}."


def _month_end(month: date) -> date:
    return date.fromordinal(shift(month, -1).toordinal() - 1)
