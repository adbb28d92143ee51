"""A ReportSpec read through the governed path (`reporting.series`) into a ReportDocument."""

from __future__ import annotations

from django.utils import timezone

from reporting.charts import Chart
from reporting.charts.formats import format_value
from reporting.freshness import current_freshness
from reporting.metric_layer import metric_layer
from reporting.periods import period_label
from reporting.reports.document import ReportDocument, ReportSection
from reporting.reports.spec import ReportSpec
from reporting.series import metric_series
from warehouse.reads.models import AccessLog

NO_DATA = "No data for this period."


def build_document(
    spec: ReportSpec,
    *,
    user,
    purpose: str = AccessLog.Purpose.REPORT,
    request_id: str = "",
    subtitle: str = "",
) -> ReportDocument:
    """Every metric of `spec` as a section (a chart and its table), read as `user`: the read path
    applies that user's policies, masking and row filter. Raises ReportInvalid before any read."""
    spec.check()
    layer = metric_layer()
    document = ReportDocument(
        title=spec.title,
        subtitle=subtitle or describe(spec),
        generated_at=timezone.now(),
        freshness=current_freshness(),
    )
    for name in spec.metrics:
        metric = layer.metrics[name]
        series = metric_series(
            user=user, metric=metric, grain=spec.grain, start=spec.start, end=spec.end,
            dimension=spec.dimension or None, where=spec.filters, purpose=purpose, request_id=request_id,
        )  # fmt: skip
        document.sections.append(_section(metric, series, spec))
    return document


def describe(spec: ReportSpec) -> str:
    parts = []
    if spec.start and spec.end:
        parts.append(f"{spec.start:%d %b %Y} to {spec.end:%d %b %Y}")
    parts.append({"month": "monthly", "quarter": "quarterly", "year": "yearly"}[spec.grain])
    if spec.dimension:
        parts.append(f"by {spec.dimension.replace('_', ' ')}")
    parts.extend(f"{column.replace('_', ' ')} = {value}" for column, value in spec.filters.items())
    return ", ".join(parts)


def _section(metric, series, spec: ReportSpec) -> ReportSection:
    points = sorted(series.points, key=lambda p: (p.period, str(p.segment)))
    columns = [("period", "Period")]
    if spec.dimension:
        columns.append(("segment", spec.dimension.replace("_", " ").capitalize()))
    columns.append(("value", metric.label))
    rows = [
        {
            "period": period_label(p.period, spec.grain),
            "segment": p.segment,
            "value": format_value(p.value, metric.unit),
        }
        for p in points
    ]
    chart_rows = [
        {"period": p.period, "value": p.value, "segment": p.segment} for p in points if p.value is not None
    ]
    chart = None
    if chart_rows:
        chart = Chart.line(
            metric.label, chart_rows, x="period", y="value", unit=metric.unit, id=metric.name,
            color="segment" if spec.dimension else None,
            labels={"period": "Period", "value": metric.label, "segment": spec.dimension or "Segment"},
        )  # fmt: skip
    return ReportSection(
        heading=metric.label,
        columns=columns,
        rows=rows,
        chart=chart,
        description=metric.description,
        note="" if rows else NO_DATA,
    )
