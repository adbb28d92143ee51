"""What the executive and operational dashboards share: safe metric reads, KPI tiles (latest value,
change on the previous period and on a year before), number formats, links and freshness.

A tile is computed from one `metric_series` at the chosen grain, so a page makes a fixed number of
reads whatever the number of months or segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from catalog.models import Dataset
from reporting.charts import Chart
from reporting.charts.formats import format_value as _format_value
from reporting.dashboard_params import DIMENSION_LABELS, GRAIN_LABELS
from reporting.freshness import Freshness, current_freshness
from reporting.links import metric_rows_url, metric_url
from reporting.metric_layer import Grain, Metric, metric_layer
from reporting.periods import GRAIN_MONTHS, YEAR, period_end, period_label, shift
from reporting.series import Series, metric_series
from warehouse import config as warehouse_config
from warehouse.engine import EngineError
from warehouse.reads.catalog_lookup import catalog_identity
from warehouse.reads.query import ReadDenied, ReadInvalid
from warehouse.reads.request_ids import request_id_for

MINUS = "\u2212"  # the typographic minus, as the page writes negative changes


class Reader:
    """Reads metrics for one page as the signed-in user; a refused read becomes a message."""

    def __init__(self, request):
        self.request = request
        self.problems: list[str] = []
        self.unfiltered: set[str] = set()  # metrics not kept per the filtered dimension(s)

    def series(self, name: str, **kwargs) -> Series | None:
        """The metric's series, or None (a message kept) when it is refused or cannot be filtered."""
        metric = metric_layer().get(name)
        unfiltered = set(kwargs.get("where") or {}) - set(metric.dimensions)
        if unfiltered:
            self.unfiltered.add(name)
            return None
        try:
            return metric_series(
                user=self.request.user, metric=name, request_id=request_id_for(self.request), **kwargs
            )
        except (ReadDenied, ReadInvalid, EngineError) as exc:
            message = f"{metric.label}: {exc}"
            if message not in self.problems:
                self.problems.append(message)
            return None


def chart_period(period: date, grain: Grain) -> str:
    """A period label that sorts as text (the chart's axis orders its labels alphabetically)."""
    return period.strftime("%Y-%m") if grain == "month" else period_label(period, grain)


def totals(series: Series | None) -> dict[date, object]:
    return {p.period: p.value for p in series.points if p.segment is None} if series else {}


def latest_period(*series: Series | None, grain: Grain = "month", today: date | None = None) -> date | None:
    """The page's default period: the latest one measured that has ended (a month three days old
    shows three days of work orders and no MRR movement yet), else the latest measured."""
    periods = {p.period for s in series if s for p in s.points if p.value is not None}
    today = today or timezone.localdate()
    ended = [period for period in periods if period_end(period, grain) < today]
    return max(ended or periods, default=None)


def format_change(current, before, unit: str) -> str:
    """Change from `before` to `current`: points for percentages, amount and share otherwise."""
    if current is None or before is None:
        return "no earlier value"
    if unit == "percent":
        return f"{_signed((float(current) - float(before)) * 100, '.1f')} pts"
    difference = current - before
    amount = format_value(abs(difference), unit)
    share = f" ({_signed(float(difference) / float(before) * 100, '.1f')} %)" if before else ""
    return f"{MINUS if difference < 0 else '+'}{amount}{share}"


def _signed(number: float, spec: str) -> str:
    """A signed number with a true minus sign, as the rest of the page writes it."""
    return f"{MINUS if number < 0 else '+'}{abs(number):{spec}}"


@dataclass
class Tile:
    metric: Metric
    value: str
    previous: str
    year_ago: str
    metric_url: str
    rows_url: str
    chart: Chart | None
    note: str = ""


def tile(metric: Metric, series: Series | None, period: date | None, grain: Grain, where: dict) -> Tile:
    """The metric's tile: value at `period`, its changes, and its trend up to `period`."""
    values = totals(series)
    current = values.get(period)
    unit = metric.unit
    if set(where) - set(metric.dimensions):
        note = "Not kept per segment: clear the filters to see it."
        return Tile(metric, "—", "", "", metric_url(metric.name), "", None, note)
    if series is None or period is None:
        return Tile(metric, "—", "", "", metric_url(metric.name), "", None)
    return Tile(
        metric=metric,
        value=format_value(current, unit),
        previous=format_change(current, values.get(shift(period, GRAIN_MONTHS[grain])), unit),
        year_ago=format_change(current, values.get(shift(period, YEAR)), unit),
        metric_url=metric_url(metric.name),
        rows_url=rows_url(metric.name, period, grain, where),
        chart=trend_chart(metric, values, period, grain),
    )


def trend_chart(metric: Metric, values: dict, upto: date, grain: Grain) -> Chart | None:
    rows = [
        {"period": chart_period(period, grain), "value": _plain(value, metric.unit)}
        for period, value in sorted(values.items())
        if period <= upto
    ]
    if not rows:
        return None
    labels = {"period": "Period", "value": _unit_heading(metric)}
    return Chart.line(
        metric.label, rows, x="period", y="value", unit=metric.unit, labels=labels, id=f"trend-{metric.name}"
    )


def _plain(value, unit: str):
    """A chart value: percentages as percent, money and counts as plain numbers."""
    if value is None:
        return None
    if unit == "percent":  # a ratio from 0 to 1: the chart formats it as a percentage
        return round(float(value), 4)
    return int(value) if unit in ("count", "tokens") else round(float(value), 2)


def _unit_heading(metric: Metric) -> str:
    suffix = {"usd": " ($)", "percent": " (%)", "hours": " (hours)"}.get(metric.unit, "")
    return metric.label + suffix


@dataclass(frozen=True)
class PageFreshness:
    source: Freshness  # the run whose marts the metric layer read (and keys its cache on)
    url: str  # that run's admin page, for those who may open it


def freshness(user) -> PageFreshness:
    """The warehouse run the page's numbers come from (reporting.freshness), linked where allowed."""
    source = current_freshness()
    url = ""
    if source.run_id and user.has_perm("warehouse.view_jobrun"):
        url = reverse("admin:warehouse_jobrun_change", args=[source.run_id])
    return PageFreshness(source=source, url=url)


def mart_links(user, marts: list[str]) -> list[tuple[str, str]]:
    """(mart, catalog admin URL) for each mart the page reads, in one query."""
    if not user.has_perm("catalog.view_dataset"):
        return []
    config = warehouse_config.engine_config(read_only=True)
    wanted = {catalog_identity(mart, config): mart for mart in marts}
    names = {name for _, name in wanted}
    found = Dataset.objects.filter(name__in=names).only("pk", "namespace", "name")
    by_identity = {(d.namespace, d.name): d.pk for d in found}
    return [
        (mart, reverse("admin:catalog_dataset_change", args=[by_identity[identity]]))
        for identity, mart in wanted.items()
        if identity in by_identity
    ]


def format_value(value, unit: str) -> str:
    """A number on a tile or in a table: in full ("$1,234,567"), as the metric pages write it."""
    return _format_value(value, unit, compact=False)


def rows_url(name: str, period: date, grain: Grain, where: dict) -> str:
    return metric_rows_url(name, period, grain, **where)


def page_context(request, page, *, metrics, dimensions, filters) -> dict:
    """What the executive and operational templates share around a page's own figures: its
    parameters' choices, the period's label, the run the numbers come from and the marts read."""
    user = request.user
    return {
        "page": page,
        "bad_request": bool(page.params.errors),
        "charts": page.charts(),
        "grains": GRAIN_LABELS,
        "dimensions": {d: DIMENSION_LABELS[d] for d in dimensions},
        "filters": filters,
        "period_label": period_label(page.period, page.params.grain) if page.period else "",
        "freshness": freshness(user),
        "marts": mart_links(user, sorted({metric_layer().get(n).mart for n in metrics})),
    }
