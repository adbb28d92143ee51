"""A ReportSpec read through the governed path (`reporting.series`) into a ReportDocument."""

from __future__ import annotations

from django.utils import timezone

from reporting.charts import Chart
from reporting.charts.formats import format_value
from reporting.dashboard_params import DIMENSION_LABELS, segment_name
from reporting.freshness import current_freshness
from reporting.kpi_tiles import chart_period
from reporting.metric_layer import metric_layer
from reporting.operational import tenant_names
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
    names = _names_for(spec)
    document = ReportDocument(
        title=spec.title,
        subtitle=subtitle or describe(spec, names),
        generated_at=timezone.now(),
        freshness=current_freshness(),
    )
    for name in spec.metrics:
        metric = layer.metrics[name]
        series = metric_series(
            user=user, metric=metric, grain=spec.grain, start=spec.start, end=spec.end,
            dimension=spec.dimension or None, where=spec.filters, purpose=purpose, request_id=request_id,
        )  # fmt: skip
        document.sections.append(_section(metric, series, spec, names))
    return document


def describe(spec: ReportSpec, names: dict[int, str] | None = None) -> str:
    """The period, grain, breakdown and filters in words, values by their labels."""
    names = _names_for(spec) if names is None else names
    parts = []
    if spec.start and spec.end:
        parts.append(f"{_day(spec.start)} to {_day(spec.end)}")
    parts.append({"month": "monthly", "quarter": "quarterly", "year": "yearly"}[spec.grain])
    if spec.dimension:
        parts.append(f"by {dimension_label(spec.dimension).lower()}")
    parts.extend(
        f"{dimension_label(column)}: {segment_name(column, value, names)}"
        for column, value in spec.filters.items()
    )
    return ", ".join(parts)


def _day(day) -> str:
    return f"{day.day} {day:%b %Y}"


def dimension_label(dimension: str) -> str:
    return DIMENSION_LABELS.get(dimension, dimension.replace("_", " ").capitalize())


def _names_for(spec: ReportSpec) -> dict[int, str]:
    """Tenant id -> organisation name, read only when the report names tenants (one query)."""
    return tenant_names() if "tenant_id" in (spec.dimension, *spec.filters) else {}


def _section(metric, series, spec: ReportSpec, names: dict[int, str]) -> ReportSection:
    label = {p.segment: segment_name(spec.dimension, p.segment, names) for p in series.points}
    points = sorted(series.points, key=lambda p: (p.period, label[p.segment]))
    columns = [("period", "Period")]
    if spec.dimension:
        columns.append(("segment", dimension_label(spec.dimension)))
    columns.append(("value", metric.label))
    rows = [
        {
            "period": period_label(p.period, spec.grain),
            "segment": label[p.segment] if spec.dimension else None,
            "value": format_value(p.value, metric.unit),
        }
        for p in points
    ]
    chart_rows = [
        {
            "period": chart_period(p.period, spec.grain),  # "2026-03", "2026 Q1": labels that sort
            "value": p.value,
            "segment": label[p.segment] if spec.dimension else None,
        }
        for p in points
        if p.value is not None
    ]
    chart = None
    if chart_rows:
        chart = Chart.line(
            metric.label,
            chart_rows,
            x="period",
            y="value",
            unit=metric.unit,
            id=metric.name,
            color="segment" if spec.dimension else None,
            labels={
                "period": "Period",
                "value": metric.label,
                "segment": dimension_label(spec.dimension or "segment"),
            },
        )
    return ReportSection(
        heading=metric.label,
        columns=columns,
        rows=rows,
        chart=chart,
        description=metric.description,
        note="" if rows else NO_DATA,
    )
