"""The customer portal's world, on top of the marts of reporting/tests/marts_world.py:

- Helix (warehouse tenant 1) and Northwind (tenant 2), each with a customer viewer holding a TOTP
  device. Their numbers differ so that a leak shows: SLA compliance in January is 87.5 % for
  tenant 1, 50.0 % for tenant 2 and 75.0 % for both; the January cycle-time median is 5.0 h,
  10.0 h and 6.0 h.
- A control, an open finding with its CAPA and deviation, and a readiness score for each.
- A saved report shared with each organisation only.
- The other personas: an auditor, a compliance officer, an outsider.
"""

import time
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.tests.factories import OrganizationFactory, UserFactory
from governance.models import Capa, Control, Deviation, Finding, ReadinessScore
from reporting.models import SavedReport
from reporting.tests.marts_world import build_marts_world
from warehouse.reads.models import TenantKey


@dataclass
class Side:
    organization: object
    viewer: object
    report: object
    finding: object


def side(name, slug, tenant_id, owner, score):
    organization = OrganizationFactory(name=name, slug=slug)
    TenantKey.objects.create(organization=organization, tenant_id=tenant_id)
    viewer = UserFactory(username=f"{slug}-viewer", role=roles.CUSTOMER_VIEWER, organization=organization)
    TOTPDevice.objects.create(user=viewer, name="portal", confirmed=True)
    Control.objects.create(
        ref=f"{slug.upper()}-BACKUP",
        name=f"{name} backup restore test",
        owner=owner,
        organization=organization,
        frequency=Control.Frequency.QUARTERLY,
    )
    today = timezone.localdate()
    finding = Finding.objects.create(
        ref=f"F-{slug.upper()}",
        title=f"{name} restore not tested",
        severity=Finding.Severity.MAJOR,
        source=Finding.Source.AUDIT,
        organization=organization,
        owner=owner,
        due_date=today + timedelta(days=20),
    )
    capa = Capa.objects.create(
        ref=f"CAPA-{slug.upper()}",
        title=f"{name} restore runbook",
        source=Capa.Source.FINDING,
        finding=finding,
        owner=owner,
        due_date=today - timedelta(days=3),
    )
    Deviation.objects.create(
        ref=f"DEV-{slug.upper()}",
        title=f"{name} backup skipped",
        kind=Deviation.Kind.UNPLANNED,
        owner=owner,
        capa=capa,
    )
    for month, value in ((shift_month(today, 2), score - 4), (shift_month(today, 1), score)):
        ReadinessScore.objects.create(day=month, organization=organization, score=value)
    report = SavedReport.objects.create(
        name=f"{name} SLA review",
        owner=owner,
        metrics=["sla_compliance", "cycle_time_median"],
        period=SavedReport.Period.CUSTOM,
        start=date(2026, 1, 1),
        end=date(2026, 4, 30),
    )
    report.shared_with_organizations.add(organization)
    return Side(organization, viewer, report, finding)


def shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 15)


@pytest.fixture
def warehouse(db, tmp_path, settings):
    """The metric marts of reporting/tests/marts_world.py in a DuckDB file the settings point at."""
    path = tmp_path / "warehouse.duckdb"
    build_marts_world(path)
    settings.WAREHOUSE_BACKEND = "duckdb"
    settings.WAREHOUSE_DUCKDB_PATH = str(path)
    return path


@pytest.fixture
def customers(warehouse, compliance_officer):
    helix = side("Helix Pharma", "helix", 1, compliance_officer, 82)
    northwind = side("Northwind Biologics", "northwind", 2, compliance_officer, 61)
    Control.objects.create(
        ref="CO-ACCESS",
        name="Quarterly access review",
        owner=compliance_officer,
        frequency=Control.Frequency.QUARTERLY,
    )
    return {"helix": helix, "northwind": northwind, "officer": compliance_officer}


def customer_login(client, user):
    """A signed-in, second-factor-verified session, as the sign-in form leaves it."""
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="portal", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["portal_seen"] = time.time()
    session.save()
    return client
