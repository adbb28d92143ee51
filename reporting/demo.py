"""Demo saved reports for `manage.py seed_demo`, after the demo warehouse and its access are in
place: saved through the service as the demo data steward, so each was read once and holds data.
Safe to run again: a report the steward already has is left alone. Never used in production."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles
from accounts.audit import acting_as
from accounts.models import Organization
from reporting.models import SavedReport
from reporting.reports.services import ReportFields, saved_report_save
from reporting.reports.spec import ReportInvalid

OWNER = "steward"
Period = SavedReport.Period
# (fields, roles shared with, organisation slugs shared with)
REPORTS = [
    (
        ReportFields(
            name="Board pack: ARR, NRR, churn",
            description="Quarterly revenue and retention for the board.",
            metrics=["arr", "nrr", "logo_churn"],
            grain="quarter",
            period=Period.LAST_24_MONTHS,
        ),
        [roles.EXECUTIVE, roles.COMPLIANCE_OFFICER],
        [],
    ),
    (
        ReportFields(
            name="Work-order SLA by tier",
            description="SLA compliance, throughput and cycle time per customer tier.",
            metrics=["sla_compliance", "work_orders_completed", "cycle_time_median"],
            dimension="tier",
            period=Period.LAST_12_MONTHS,
        ),
        [roles.EXECUTIVE],
        [],
    ),
    (
        ReportFields(
            name="Enterprise MRR movements",
            description="New, expansion, contraction and churned MRR of enterprise customers.",
            metrics=["new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"],
            filters={"tier": "enterprise"},
            period=Period.LAST_12_MONTHS,
        ),
        [],
        [],
    ),
    (
        ReportFields(
            name="AI agents and support",
            description="Agent autonomy, tokens and support tickets; customers see only their own.",
            metrics=["agent_autonomy_rate", "agent_tokens", "support_tickets"],
            period=Period.LAST_12_MONTHS,
        ),
        [],
        ["helix-pharma"],
    ),
]


def seed_reports() -> str:
    """Save the demo reports the steward lacks; says how many were saved and why any was not."""
    owner = get_user_model().objects.filter(username=OWNER).first()
    if owner is None:
        return "no demo data steward to own them"
    saved, problems = 0, []
    existing = set(SavedReport.objects.filter(owner=owner).values_list("name", flat=True))
    with acting_as(owner):
        for fields, role_names, org_slugs in REPORTS:
            if fields.name in existing:
                continue
            try:
                saved_report_save(
                    fields=fields,
                    actor=owner,
                    roles=Group.objects.filter(name__in=role_names),
                    organizations=Organization.objects.filter(slug__in=org_slugs),
                )
                saved += 1
            except ReportInvalid as exc:
                problems.append(f"{fields.name}: {exc}")
    return "; ".join([f"{saved} saved report(s) added", *problems])
