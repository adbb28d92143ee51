"""The customer dashboards: one context builder and one partial for the portal pages, their PDF
and CSV downloads, and signed embeds (the `embed` helper renders the same partial).

Contract (shared with `portal/embeds`):

- `CUSTOMER_DASHBOARDS`: slug -> title.
- `customer_dashboard_context(*, reader, organization, slug, params, purpose, request_id="")`
  returns a dict the partial `portal/customer/_dashboard_body.html` renders without page chrome:
  `slug`, `title`, `organization`, `period` (the chosen key), `periods` (key -> label),
  `period_label`, `tiles` (list of `DashboardTile`), `document` (a `ReportDocument`: the same
  numbers as sections with a chart and a table; `render_pdf` / `render_csv` take it as is),
  `sections` (each document section with its rows as lists of cells, for the partial) and
  `problems` (messages for people when a read was refused).
- `reader` is the user the warehouse reads are made as: the read path's row filter keeps that
  user's organisation's rows, so the reader must belong to `organization` (PermissionDenied
  otherwise; an embed reads as one of the organisation's people, never as staff).
- An unknown slug raises `DashboardNotFound`; a bad `period` raises `ReportInvalid` with a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from reporting.models import SavedReport
from reporting.reports.spec import ReportInvalid, period_window

CUSTOMER_DASHBOARDS = {
    "work-orders": "Work-order performance",
    "compliance": "Compliance",
}

# The relative periods a customer may pick (a custom range is for saved reports only).
PERIODS = {key: label for key, label in SavedReport.Period.choices if key != SavedReport.Period.CUSTOM}
DEFAULT_PERIOD = SavedReport.Period.LAST_12_MONTHS


class DashboardNotFound(LookupError):
    """No customer dashboard has this slug."""


@dataclass(frozen=True)
class DashboardTile:
    label: str
    value: str  # formatted for reading ("92.0 %", "14", "6.5 h")
    change: str  # against the previous period, in words ("+2.0 pts", "no earlier value")
    description: str = ""


def customer_dashboard_context(
    *, reader, organization, slug: str, params, purpose: str, request_id: str = ""
) -> dict:
    """The dashboard `slug` of `organization`, read as `reader` (see the module docstring)."""
    if slug not in CUSTOMER_DASHBOARDS:
        raise DashboardNotFound(f"No customer dashboard {slug!r}.")
    if organization is None or getattr(reader, "organization_id", None) != organization.pk:
        raise PermissionDenied("The reader does not belong to this organisation.")
    period = (params or {}).get("period") or DEFAULT_PERIOD
    if period not in PERIODS:
        raise ReportInvalid(f"Unknown period {period!r}; choose one of: {', '.join(PERIODS.values())}.")
    start, end = period_window(period, today=timezone.localdate())
    builder = _builders()[slug]
    body = builder(
        reader=reader, organization=organization, start=start, end=end, purpose=purpose, request_id=request_id
    )
    return {
        "slug": slug,
        "title": CUSTOMER_DASHBOARDS[slug],
        "organization": organization,
        "period": period,
        "periods": PERIODS,
        "period_label": f"{start:%b %Y} to {end:%b %Y}",
        "sections": document_tables(body["document"]),
        **body,
    }


def document_tables(document) -> list[tuple]:
    """(section, rows as lists of cells in column order) for each section: what the partial prints."""
    return [(s, [[row.get(key, "") for key, _ in s.columns] for row in s.rows]) for s in document.sections]


def _builders() -> dict:
    # imported here: both modules import DashboardTile from this one
    from portal.customer.compliance import compliance_body
    from portal.customer.work_orders import work_orders_body

    return {"work-orders": work_orders_body, "compliance": compliance_body}
