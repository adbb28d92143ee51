"""The dashboards and who sees them: declared once, used by the pages, the home redirect and the API.

Each dashboard's numbers come from its own module's `dashboard_context(request, params)`; the
warehouse-backed ones read metrics only through `reporting.series` (the governed read path).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from accounts import roles


@dataclass(frozen=True)
class DashboardPage:
    slug: str
    title: str
    intro: str
    roles: tuple[str, ...]  # the roles that see it (superusers see all)
    module: str  # dotted module with `dashboard_context(request, params) -> dict`

    @property
    def template(self) -> str:
        return f"admin/reporting/{self.slug.replace('-', '_')}.html"

    def context(self, request, params) -> dict:
        return import_module(self.module).dashboard_context(request, params)


DASHBOARDS: tuple[DashboardPage, ...] = (
    DashboardPage(
        "executive",
        "Executive dashboard",
        "Recurring revenue, retention, churn and margin, by segment.",
        (roles.EXECUTIVE,),
        "reporting.executive",
    ),
    DashboardPage(
        "operational",
        "Operational dashboard",
        "Work-order throughput, cycle time and SLA compliance; AI agents; support.",
        (roles.EXECUTIVE, roles.DATA_STEWARD),
        "reporting.operational",
    ),
    DashboardPage(
        "compliance",
        "Compliance dashboard",
        "Readiness per framework and tenant, open CAPAs, overdue deviations, training, audits.",
        (roles.COMPLIANCE_OFFICER, roles.EXECUTIVE),
        "reporting.compliance",
    ),
    DashboardPage(
        "data-health",
        "Data health",
        "Quality scores, freshness, failing checks and anomalies across the warehouse.",
        (roles.DATA_STEWARD, roles.COMPLIANCE_OFFICER),
        "reporting.data_health",
    ),
)


def dashboards_for(user) -> list[DashboardPage]:
    """The dashboards open to `user`: those of the roles they hold (all for superusers)."""
    if not (user.is_active and user.is_staff):
        return []
    if user.is_superuser:
        return list(DASHBOARDS)
    held = roles.held_roles(user)
    return [page for page in DASHBOARDS if held.intersection(page.roles)]


def dashboard(slug: str) -> DashboardPage | None:
    return next((page for page in DASHBOARDS if page.slug == slug), None)
