"""The operational dashboard: work-order throughput, cycle time (median and p90) and SLA compliance;
AI agent autonomy and token use; support volume and resolution time. KPI tiles with their trend at
the chosen grain, and a table per tenant (by name) or per tier for the chosen period.

Every number is read through `reporting.series.metric_series` (the governed read path).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reporting.charts import Chart
from reporting.dashboard_params import (
    DIMENSION_LABELS,
    TIER_LABELS,
    DashboardParams,
    dashboard_params,
    segment_name,
)
from reporting.kpi_tiles import (
    Reader,
    Tile,
    format_value,
    latest_period,
    metric_url,
    page_context,
    rows_url,
    tile,
    totals,
)
from reporting.metric_layer import metric_layer
from reporting.periods import period_end
from warehouse.reads.models import TenantKey

# (section heading, metrics): the tiles in the order the page shows them
SECTIONS = (
    ("Work orders", ("work_orders_completed", "cycle_time_median", "cycle_time_p90", "sla_compliance")),
    ("AI agents", ("agent_autonomy_rate", "agent_tokens")),
    ("Support", ("support_tickets", "support_resolution_median")),
)
KPIS = tuple(name for _, names in SECTIONS for name in names)
DIMENSIONS = ("tenant_id", "tier")


@dataclass
class Operational:
    params: DashboardParams
    period: object = None
    sections: list[tuple[str, list[Tile]]] = field(default_factory=list)
    breakdown: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def tiles(self) -> list[Tile]:
        return [t for _, tiles in self.sections for t in tiles]

    def charts(self) -> dict[str, Chart]:
        return {f"trend-{t.metric.name}": t.chart for t in self.tiles() if t.chart}


def tenant_names() -> dict[int, str]:
    """Warehouse tenant id -> organisation name, for every linked organisation (one query)."""
    keys = TenantKey.objects.select_related("organization").order_by("organization__name")
    return {key.tenant_id: key.organization.name for key in keys}


def operational(request, params, names: dict[int, str]) -> Operational:
    tenants = {str(tenant_id): name for tenant_id, name in names.items()}
    checked = dashboard_params(
        params, choices={"tenant_id": tenants, "tier": TIER_LABELS}, breakdowns=DIMENSIONS
    )
    page = Operational(params=checked)
    if checked.errors:
        return page
    where = {k: int(v) if k == "tenant_id" else v for k, v in checked.where.items()}
    reader = Reader(request)
    layer = metric_layer()
    trend = {name: reader.series(name, grain=checked.grain, where=where) for name in KPIS}
    page.period = checked.period or latest_period(*trend.values(), grain=checked.grain)
    page.sections = [
        (heading, [tile(layer.get(n), trend[n], page.period, checked.grain, where) for n in metric_names])
        for heading, metric_names in SECTIONS
    ]
    if page.period is not None:
        page.breakdown = _breakdown(reader, checked, where, trend, page.period, names)
    page.problems = reader.problems
    return page


BREAKDOWN_ROWS = 25
BUSIEST = "work_orders_completed"


def _breakdown(reader: Reader, params: DashboardParams, where: dict, trend: dict, period, names) -> dict:
    """Rows per tenant or tier for the chosen period, and the total row."""
    span = {"grain": params.grain, "start": period, "end": period_end(period, params.grain)}
    columns = [metric_layer().get(name) for name in KPIS]
    busiest = _period_values(reader.series(BUSIEST, dimension=params.by, where=where, **span), period)
    # the busiest segments first, at most BREAKDOWN_ROWS of them: a page for thousands of tenants
    # shows the ones that matter and says how many more there are (the total covers them all);
    # the other metrics are read for those segments only, not for every tenant
    shown = sorted(busiest, key=lambda segment: -(busiest[segment] or 0))[:BREAKDOWN_ROWS]
    narrowed = {**where, params.by: shown} if shown and len(busiest) > BREAKDOWN_ROWS else where
    cells: dict = {segment: {BUSIEST: busiest[segment]} for segment in shown}
    for metric in columns:
        if metric.name == BUSIEST:
            continue
        values = _period_values(
            reader.series(metric.name, dimension=params.by, where=narrowed, **span), period
        )
        for segment, value in values.items():
            if narrowed is where or segment in cells:
                cells.setdefault(segment, {})[metric.name] = value

    def cell(metric, value, segment_where):
        return {
            "shown": format_value(value, metric.unit),
            "url": rows_url(metric.name, period, params.grain, segment_where),
        }

    top = sorted(cells.items(), key=lambda item: -(item[1].get(BUSIEST) or 0))[:BREAKDOWN_ROWS]
    rows = [
        {
            "label": segment_name(params.by, segment, names),
            "filter_query": params.query(**{params.by: segment}),
            "values": [cell(m, values.get(m.name), {**where, params.by: segment}) for m in columns],
        }
        for segment, values in sorted(top, key=lambda item: segment_name(params.by, item[0], names))
    ]
    return {
        "dimension": DIMENSION_LABELS[params.by],
        "columns": [{"label": m.label, "url": metric_url(m.name)} for m in columns],
        "rows": rows,
        "more": max(len(busiest), len(cells)) - len(rows),
        "total": [cell(m, totals(trend[m.name]).get(period), where) for m in columns],
    }


def _period_values(series, period) -> dict:
    """Segment -> value of `series` at `period` (empty for a refused read)."""
    return {p.segment: p.value for p in series.points if p.period == period} if series else {}


def dashboard_charts(request, params) -> dict[str, Chart]:
    """The page's charts by id (the chart CSV download rebuilds one from the same parameters)."""
    return operational(request, params, tenant_names()).charts()


def dashboard_context(request, params) -> dict:
    names = tenant_names()
    filters = [
        ("tier", DIMENSION_LABELS["tier"], TIER_LABELS),
        ("tenant_id", DIMENSION_LABELS["tenant_id"], {str(k): v for k, v in names.items()}),
    ]
    page = operational(request, params, names)
    return page_context(request, page, metrics=KPIS, dimensions=DIMENSIONS, filters=filters)
