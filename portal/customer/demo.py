"""Demo data for the customer portal (`manage.py seed_demo`): Helix Pharma, the demo customer
viewer's organisation, gets a control of its own (so its readiness is scored on its own), an open
finding with its CAPA, a report shared with it, and readiness history for the last six months.

Safe to run again: keyed on references and names, existing rows are left as they are.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from governance.models import Capa, Control, Criterion, Finding
from governance.services.audits import finding_link, finding_save
from governance.services.capa import capa_open
from governance.services.controls import control_map, control_upsert
from governance.services.readiness import readiness_record
from reporting.models import SavedReport

ORGANIZATION = "helix-pharma"
CONTROL = "HLX-BKP-01"
FINDING = "F-HLX-1"
REPORT = "Helix Pharma: work-order SLA and cycle time"


@transaction.atomic
def seed_customer_portal() -> str:
    """Returns the line seed_demo prints: how the demo customer viewer signs in."""
    owner = get_user_model().objects.get(username="compliance")
    helix = Organization.objects.get(slug=ORGANIZATION)
    control = control_upsert(
        ref=CONTROL,
        actor=owner,
        name="Helix Pharma GxP data: quarterly backup restore test",
        owner=owner,
        organization=helix,
        frequency="quarterly",
        automation="manual",
    )
    control_map(
        control=control,
        criteria=list(Criterion.objects.filter(framework__slug="soc2", ref="A1.2")),
        actor=owner,
    )
    if not Finding.objects.filter(ref=FINDING).exists():
        _finding_and_capa(owner, helix)
    if not SavedReport.objects.filter(name=REPORT).exists():
        report = SavedReport.objects.create(
            name=REPORT,
            owner=owner,
            metrics=["sla_compliance", "cycle_time_median", "work_orders_completed"],
            description="Monthly SLA compliance, median cycle time and throughput of your work orders.",
        )
        report.shared_with_organizations.add(helix)
    _readiness_history()
    return (
        "The customer viewer signs in at /customer/sign-in/ (Helix Pharma) with a TOTP code: "
        "manage.py portal_auditor_totp customer"
    )


def _finding_and_capa(owner, helix):
    today = timezone.localdate()
    finding = finding_save(
        finding=Finding(
            ref=FINDING,
            title="Restore test of the GxP data backup overdue",
            severity="minor",
            source="self",
            organization=helix,
            owner=owner,
            identified_on=today - timedelta(days=12),
            due_date=today + timedelta(days=18),
        ),
        actor=owner,
    )
    finding_link(
        finding=finding,
        controls=Control.objects.filter(ref=CONTROL),
        actor=owner,
    )
    capa_open(
        actor=owner,
        ref="CAPA-HLX-1",
        title="Schedule restore tests in the backup job",
        source=Capa.Source.FINDING,
        finding=finding,
        owner=owner,
        opened_on=today - timedelta(days=10),
        due_date=today + timedelta(days=40),
    )


def _readiness_history():
    """The last day of each of the last two months, and today: the readiness trend's points.
    (Earlier days score near zero: the demo's evidence starts two months ago.)"""
    day = timezone.localdate()
    days = [day]
    for _ in range(2):
        day = day.replace(day=1) - timedelta(days=1)
        days.append(day)
    for day in reversed(days):
        readiness_record(day=day)
