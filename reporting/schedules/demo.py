"""Demo schedules: the weekly board pack for our executives and a monthly report for a customer."""

from __future__ import annotations

from accounts.models import Organization, User
from reporting.models import ReportSchedule, SavedReport
from reporting.schedules.services import schedule_save

BOARD_PACK = ("Board pack: ARR, NRR, churn", ["arr", "nrr", "logo_churn"])  # reporting/demo.py seeds it first
CUSTOMER_REPORT = (
    "Your operations",
    ["work_orders_completed", "sla_compliance", "cycle_time_median", "support_tickets"],
)


def seed_schedules() -> str:
    """Create what is missing (by name) and leave what exists alone."""
    people = {
        user.username: user
        for user in User.objects.filter(username__in=["steward", "executive", "compliance", "customer"])
    }
    helix = Organization.objects.filter(slug="helix-pharma").first()
    if len(people) < 4 or helix is None:
        return "skipped (the demo accounts are missing)"
    steward = people["steward"]
    _schedule(
        "Board pack weekly", steward, _report(*BOARD_PACK, owner=steward),
        recipients=[people["executive"], people["compliance"], steward], cadence="weekly", weekday=1,
    )  # fmt: skip
    _schedule(
        "Helix Pharma monthly operations", steward, _report(*CUSTOMER_REPORT, owner=steward),
        recipients=[people["customer"]], cadence="monthly", day_of_month=2, organization=helix,
    )  # fmt: skip
    return f"{ReportSchedule.objects.count()} schedule(s)"


def _report(name: str, metrics: list[str], *, owner) -> SavedReport:
    report, _ = SavedReport.objects.get_or_create(
        name=name, defaults={"owner": owner, "metrics": metrics, "period": SavedReport.Period.LAST_12_MONTHS}
    )
    return report


def _schedule(name, owner, report, *, recipients, **fields) -> None:
    if ReportSchedule.objects.filter(name=name).exists():
        return
    schedule_save(
        actor=owner, name=name, owner=owner, report=report, hour=7, recipient_users=recipients, **fields
    )
