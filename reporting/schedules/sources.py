"""What a schedule sends: its saved report, or a dashboard's metrics, as a ReportDocument.

A schedule always delivers something readable: a metric removed from the metric layer is left
out with a note, and a report that cannot be read at all becomes a document that says why.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.utils import timezone

from reporting import executive, operational
from reporting.dashboards import dashboard
from reporting.freshness import current_freshness
from reporting.metric_layer import metric_layer
from reporting.reports.build import NO_DATA, build_document
from reporting.reports.document import ReportDocument
from reporting.reports.spec import ReportInvalid, ReportSpec, period_window, spec_for_saved_report
from warehouse.reads.models import AccessLog

# The dashboards that can be scheduled, and the metrics their PDF holds: the same KPIs as the page.
DASHBOARD_METRICS: dict[str, tuple[str, ...]] = {
    "executive": executive.KPIS,
    "operational": operational.KPIS,
}
DASHBOARD_PERIOD = "last_12_months"


def schedulable_dashboards() -> list[tuple[str, str]]:
    """(slug, title) of every dashboard a schedule may send."""
    return [(slug, dashboard(slug).title) for slug in DASHBOARD_METRICS]


def schedule_spec(schedule, *, today: date) -> ReportSpec:
    if schedule.report_id:
        return spec_for_saved_report(schedule.report, today=today)
    start, end = period_window(DASHBOARD_PERIOD, today=today)
    page = dashboard(schedule.dashboard)
    if page is None or schedule.dashboard not in DASHBOARD_METRICS:
        raise ReportInvalid(f"The dashboard {schedule.dashboard!r} can no longer be scheduled.")
    return ReportSpec(title=page.title, metrics=DASHBOARD_METRICS[schedule.dashboard], start=start, end=end)


def schedule_document(schedule, *, reader, today: date, request_id: str = "") -> ReportDocument:
    """The document of one delivery, read as `reader` through the governed path."""
    subtitle_suffix = f" · {schedule.organization}" if schedule.organization_id else ""
    try:
        spec = schedule_spec(schedule, today=today)
        spec, notes = _without_removed_metrics(spec)
        if not spec.metrics:
            raise ReportInvalid("None of its metrics is in the metric layer any more.")
        document = build_document(
            spec, user=reader, purpose=AccessLog.Purpose.REPORT, request_id=request_id,
        )  # fmt: skip
    except ReportInvalid as exc:
        return _unreadable(schedule, str(exc))
    document.subtitle += subtitle_suffix
    document.notes[:0] = notes
    if document.empty:
        document.notes.append(f"{NO_DATA} Nothing was recorded for these metrics in the period.")
    return document


def _without_removed_metrics(spec: ReportSpec) -> tuple[ReportSpec, list[str]]:
    known = metric_layer().metrics
    removed = [name for name in spec.metrics if name not in known]
    notes = [f"The metric {name!r} is no longer in the metric layer and was left out." for name in removed]
    return replace(spec, metrics=tuple(n for n in spec.metrics if n in known)), notes


def _unreadable(schedule, reason: str) -> ReportDocument:
    title = schedule.report.name if schedule.report_id else schedule.name
    return ReportDocument(
        title=title,
        subtitle=schedule.name,
        generated_at=timezone.now(),
        freshness=current_freshness(),
        notes=[f"This report could not be read as saved: {reason} Its owner needs to correct it."],
    )
