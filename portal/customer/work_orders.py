"""Work-order performance of one organisation: throughput, cycle time (median and p90) and SLA
compliance per month, read through the governed path as the customer (`reporting.series`), so the
read path's row filter, never this module, keeps the organisation's own rows."""

from __future__ import annotations

from django.utils import timezone

from portal.customer.dashboards import DashboardTile
from reporting.freshness import current_freshness
from reporting.kpi_tiles import format_change, format_value, latest_period, totals, trend_chart
from reporting.metric_layer import metric_layer
from reporting.periods import period_label, shift
from reporting.reports.document import ReportDocument, ReportSection
from reporting.series import metric_series
from warehouse.engine import EngineError
from warehouse.reads.query import ReadDenied, ReadInvalid

METRICS = ("work_orders_completed", "cycle_time_median", "cycle_time_p90", "sla_compliance")
REFUSED = "Your organisation's figures are not available yet: {label} could not be read ({reason})."
NO_DATA = "No data for this period."


def work_orders_body(*, reader, organization, start, end, purpose, request_id) -> dict:
    layer = metric_layer()
    problems, series = [], {}
    for name in METRICS:
        metric = layer.get(name)
        try:
            series[name] = metric_series(
                user=reader, metric=metric, start=start, end=end, purpose=purpose, request_id=request_id
            )
        except (ReadDenied, ReadInvalid, EngineError) as exc:
            series[name] = None
            problems.append(REFUSED.format(label=metric.label, reason=exc))
    latest = latest_period(*series.values())
    document = ReportDocument(
        title=f"Work-order performance: {organization.name}",
        subtitle=f"{start:%b %Y} to {end:%b %Y}, monthly",
        generated_at=timezone.now(),
        freshness=current_freshness(),
        notes=list(problems),
    )
    tiles = []
    for name in METRICS:
        metric, values = layer.get(name), totals(series[name])
        tiles.append(_tile(metric, values, latest))
        document.sections.append(_section(metric, values, latest))
    document.sections.insert(0, _summary(tiles, latest))
    return {"tiles": tiles, "document": document, "problems": problems}


def _tile(metric, values: dict, latest) -> DashboardTile:
    if latest is None:
        return DashboardTile(metric.label, "—", "no data", metric.description)
    current, before = values.get(latest), values.get(shift(latest, 1))
    return DashboardTile(
        metric.label,
        format_value(current, metric.unit),
        f"{format_change(current, before, metric.unit)} vs {period_label(shift(latest, 1), 'month')}",
        metric.description,
    )


def _summary(tiles, latest) -> ReportSection:
    heading = f"Summary: {period_label(latest, 'month')}" if latest else "Summary"
    return ReportSection(
        heading=heading,
        columns=[("label", "Measure"), ("value", "Value"), ("change", "Change")],
        rows=[{"label": t.label, "value": t.value, "change": t.change} for t in tiles] if latest else [],
        note="" if latest else NO_DATA,
    )


def _section(metric, values: dict, latest) -> ReportSection:
    rows = [
        {"period": period_label(period, "month"), "value": format_value(value, metric.unit)}
        for period, value in sorted(values.items())
    ]
    return ReportSection(
        heading=metric.label,
        columns=[("period", "Month"), ("value", metric.label)],
        rows=rows,
        chart=trend_chart(metric, values, latest, "month") if latest else None,
        description=metric.description,
        note="" if rows else NO_DATA,
    )
