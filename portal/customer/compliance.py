"""Compliance of one organisation: readiness of the controls that cover its data (its own and the
company-wide ones), and its open findings, CAPAs and deviations.

These rows live in the relational store, not the warehouse; the scoping to the organisation is
done here, in the selectors of `portal.customer.selectors`, which is the one place that decides it.
"""

from __future__ import annotations

from django.utils import timezone

from portal.customer import selectors
from portal.customer.dashboards import DashboardTile
from reporting.charts import Chart
from reporting.freshness import current_freshness
from reporting.reports.document import ReportDocument, ReportSection

MINUS = "\u2212"  # the typographic minus, as the dashboards write negative changes
NO_SCORE = "No readiness score has been recorded for this period."


def compliance_body(*, reader, organization, start, end, purpose, request_id) -> dict:
    today = timezone.localdate()
    scores = selectors.readiness_by_month(organization=organization, start=start, end=end)
    latest = selectors.readiness_latest(organization=organization)
    controls = selectors.control_list(organization=organization)
    items = selectors.open_item_list(organization=organization)
    overdue = [item for item in items if item.due_date and item.due_date < today]
    tiles = [
        _readiness_tile(latest, scores),
        DashboardTile("Controls covering your data", str(len(controls)), "active controls"),
        DashboardTile("Open items", str(len(items)), f"{len(overdue)} past their due date"),
    ]
    document = ReportDocument(
        title=f"Compliance: {organization.name}",
        subtitle=f"{start:%b %Y} to {end:%b %Y}",
        generated_at=timezone.now(),
        freshness=current_freshness(),
    )
    document.sections = [
        _readiness_section(scores, latest),
        _controls_section(controls, organization),
        _items_section(items, today),
    ]
    return {"tiles": tiles, "document": document, "problems": []}


def _score(value) -> str:
    return "—" if value is None else f"{value:.1f} %"


def _readiness_tile(latest, scores: dict) -> DashboardTile:
    """The latest score and its change since the last score of an earlier month."""
    if latest is None:
        return DashboardTile("Readiness", "—", "not yet scored")
    this_month = latest.day.replace(day=1)
    earlier = [month for month in scores if month < this_month]
    if not earlier:
        return DashboardTile(
            "Readiness", _score(latest.score), "no earlier value", f"On {latest.day:%d %b %Y}"
        )
    before = scores[max(earlier)]
    change = f"{_signed(latest.score - before.score)} pts vs {before.day:%d %b %Y}"
    return DashboardTile("Readiness", _score(latest.score), change, f"On {latest.day:%d %b %Y}")


def _signed(number) -> str:
    return f"{MINUS if number < 0 else '+'}{abs(number):.1f}"


def _readiness_section(scores: dict, latest) -> ReportSection:
    rows = [
        {"month": f"{month:%b %Y}", "score": _score(s.score), "day": f"{s.day:%d %b %Y}"}
        for month, s in scores.items()
    ]
    chart = None
    if scores:
        chart = Chart.line(
            "Readiness",
            [{"month": f"{m:%Y-%m}", "score": round(float(s.score) / 100, 4)} for m, s in scores.items()],
            x="month",
            y="score",
            unit="percent",
            labels={"month": "Month", "score": "Readiness (%)"},
            id="readiness",
        )
    return ReportSection(
        heading="Readiness",
        columns=[("month", "Month"), ("score", "Readiness"), ("day", "Scored on")],
        rows=rows,
        chart=chart,
        description="The share of the framework criteria met by the controls that cover your data, "
        "as scored on the last day of each month.",
        note="" if rows else NO_SCORE,
    )


def _controls_section(controls, organization) -> ReportSection:
    rows = [
        {
            "ref": c.ref,
            "name": c.name,
            "frequency": c.get_frequency_display(),
            "scope": "Your organisation" if c.organization_id == organization.pk else "Company-wide",
        }
        for c in controls
    ]
    return ReportSection(
        heading="Controls covering your data",
        columns=[("ref", "Reference"), ("name", "Control"), ("frequency", "Operated"), ("scope", "Scope")],
        rows=rows,
        note="" if rows else "No active control covers your data yet.",
    )


def _items_section(items, today) -> ReportSection:
    rows = [
        {
            "kind": item.kind,
            "ref": item.ref,
            "title": item.title,
            "status": item.status,
            "due": f"{item.due_date:%d %b %Y}" if item.due_date else "—",
            "overdue": "Yes" if item.due_date and item.due_date < today else "No",
        }
        for item in items
    ]
    return ReportSection(
        heading="Open items",
        columns=[
            ("kind", "Kind"),
            ("ref", "Reference"),
            ("title", "Title"),
            ("status", "Status"),
            ("due", "Due"),
            ("overdue", "Overdue"),
        ],
        rows=rows,
        description="Findings, CAPAs and deviations concerning your organisation that are not closed.",
        note="" if rows else "No open findings, CAPAs or deviations.",
    )
