"""The executive dashboard: ARR, customers, NRR, GRR, logo churn and gross margin as KPI tiles with
their trend at the chosen grain, a breakdown by tier, ICP segment or region, and the MRR movements
of the chosen period as a waterfall from opening to closing MRR that must reconcile.

Every number is read through `reporting.series.metric_series` (the governed read path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reporting.charts import Chart
from reporting.dashboard_params import (
    CODE_LABELS,
    DIMENSION_LABELS,
    DashboardParams,
    dashboard_params,
    segment_label,
)
from reporting.kpi_tiles import (
    MINUS,
    Reader,
    Tile,
    format_value,
    latest_period,
    metric_url,
    page_context,
    period_label,
    rows_url,
    tile,
    totals,
)
from reporting.metric_layer import metric_layer
from reporting.periods import period_end

KPIS = ("arr", "customers", "nrr", "grr", "logo_churn", "gross_margin")
BREAKDOWN = ("arr", "customers", "nrr", "grr", "logo_churn")  # gross margin is not kept per segment
DIMENSIONS = ("tier", "icp_segment", "region")
# (metric, label, sign): opening, the movements in the order they are booked, closing
MOVEMENTS = (
    ("opening_mrr", "Opening MRR", 0),
    ("new_mrr", "New", 1),
    ("expansion_mrr", "Expansion", 1),
    ("reactivation_mrr", "Reactivation", 1),
    ("contraction_mrr", "Contraction", -1),
    ("churned_mrr", "Churn", -1),
    ("mrr", "Closing MRR", 0),
)
CENT = Decimal("0.005")


@dataclass
class Executive:
    params: DashboardParams
    period: object = None
    tiles: list[Tile] = field(default_factory=list)
    breakdown: dict = field(default_factory=dict)
    waterfall: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def charts(self) -> dict[str, Chart]:
        charts = {f"trend-{t.metric.name}": t.chart for t in self.tiles if t.chart}
        if self.waterfall.get("chart"):
            charts["mrr-waterfall"] = self.waterfall["chart"]
        return charts


def executive(request, params) -> Executive:
    checked = dashboard_params(params, choices=CODE_LABELS, breakdowns=DIMENSIONS)
    page = Executive(params=checked)
    if checked.errors:
        return page
    reader = Reader(request)
    layer = metric_layer()
    trend = {name: reader.series(name, grain=checked.grain, where=checked.where) for name in KPIS}
    page.period = checked.period or latest_period(trend["arr"], trend["customers"], grain=checked.grain)
    page.tiles = [tile(layer.get(n), trend[n], page.period, checked.grain, checked.where) for n in KPIS]
    if page.period is not None:
        span = {"grain": checked.grain, "start": page.period, "end": period_end(page.period, checked.grain)}
        page.breakdown = _breakdown(reader, checked, trend, page.period, span)
        page.waterfall = _waterfall(reader, checked, page.period, span)
    page.problems = reader.problems
    return page


def _breakdown(reader: Reader, params: DashboardParams, trend: dict, period, span: dict) -> dict:
    """Rows per segment of the chosen dimension for the chosen period, and the total row."""
    layer = metric_layer()
    cells: dict = {}
    for name in BREAKDOWN:
        series = reader.series(name, dimension=params.by, where=params.where, **span)
        for point in series.points if series else ():
            if point.period == period:
                cells.setdefault(point.segment, {})[name] = point.value
    columns = [layer.get(name) for name in BREAKDOWN]
    rows = [
        {
            "label": segment_label(params.by, segment),
            "filter_query": params.query(**{params.by: segment}),
            "values": [
                {
                    "shown": format_value(values.get(m.name), m.unit),
                    "url": rows_url(m.name, period, params.grain, {**params.where, params.by: segment}),
                }
                for m in columns
            ],
            "raw": values,
        }
        for segment, values in sorted(cells.items(), key=lambda item: -(item[1].get("arr") or 0))
    ]
    total = {m.name: totals(trend[m.name]).get(period) for m in columns}
    return {
        "dimension": DIMENSION_LABELS[params.by],
        "columns": [{"label": m.label, "url": metric_url(m.name)} for m in columns],
        "rows": rows,
        "total": [
            {
                "shown": format_value(total[m.name], m.unit),
                "url": rows_url(m.name, period, params.grain, params.where),
            }
            for m in columns
        ],
        "total_raw": total,
    }


def _waterfall(reader: Reader, params: DashboardParams, period, span: dict) -> dict:
    """Opening MRR, each movement and closing MRR of the period, and whether they reconcile."""
    steps = []
    for name, label, sign in MOVEMENTS:
        value = totals(reader.series(name, where=params.where, **span)).get(period)
        steps.append({"name": name, "label": label, "sign": sign, "value": value})
    if any(step["value"] is None for step in steps):
        return {"steps": steps, "empty": True}
    opening, *movements, closing = steps
    moved = sum(step["sign"] * Decimal(step["value"]) for step in movements)
    difference = Decimal(opening["value"]) + moved - Decimal(closing["value"])
    for step in steps:
        step["shown"] = format_value(step["value"], "usd")
        step["metric_url"] = metric_url(step["name"])
        step["rows_url"] = rows_url(step["name"], period, params.grain, params.where)
    reconciles = abs(difference) < CENT
    chart = Chart.waterfall(
        f"MRR movements, {period_label(period, params.grain)}",
        opening=opening["value"],
        steps=[(step["label"], step["sign"] * Decimal(step["value"])) for step in movements],
        # a closing that does not reconcile is drawn where the steps lead; the page names the gap
        closing=closing["value"] if reconciles else None,
        unit="usd",
        opening_label=opening["label"],
        closing_label=closing["label"],
        id="mrr-waterfall",
    )
    return {
        "steps": steps,
        "empty": False,
        "net": format_value(moved, "usd") if moved >= 0 else MINUS + format_value(-moved, "usd"),
        "difference": format_value(abs(difference), "usd"),
        "reconciles": reconciles,
        "chart": chart,
    }


def dashboard_charts(request, params) -> dict[str, Chart]:
    """The page's charts by id (the chart CSV download rebuilds one from the same parameters)."""
    return executive(request, params).charts()


def dashboard_context(request, params) -> dict:
    filters = [(d, DIMENSION_LABELS[d], CODE_LABELS[d]) for d in DIMENSIONS]
    return page_context(
        request, executive(request, params), metrics=KPIS, dimensions=DIMENSIONS, filters=filters
    )
