"""People and reports for the schedule tests: our own organisation's staff, a customer with its
viewers (tenant 1 of marts_world), and an outsider organisation."""

from __future__ import annotations

from datetime import date

import pytest

from accounts import roles
from accounts.tests.factories import OrganizationFactory, UserFactory
from reporting.models import SavedReport
from reporting.schedules.services import schedule_save
from warehouse.reads.models import TenantKey


@pytest.fixture
def internal_org(db):
    return OrganizationFactory(slug="custodian-labs", name="Custodian Labs", is_internal=True)


@pytest.fixture
def customer_org(db):
    org = OrganizationFactory(slug="helix-pharma", name="Helix Pharma")
    TenantKey.objects.create(organization=org, tenant_id=1)
    return org


@pytest.fixture
def owner(internal_org):
    return UserFactory(
        username="dana",
        first_name="Dana",
        last_name="Steward",
        role=roles.DATA_STEWARD,
        organization=internal_org,
    )


@pytest.fixture
def colleague(internal_org):
    return UserFactory(
        username="carla",
        first_name="Carla",
        last_name="Officer",
        role=roles.COMPLIANCE_OFFICER,
        organization=internal_org,
    )


@pytest.fixture
def chloe(customer_org):
    return UserFactory(
        username="chloe",
        first_name="Chloe",
        last_name="Client",
        role=roles.CUSTOMER_VIEWER,
        organization=customer_org,
    )


@pytest.fixture
def stranger(db):
    return UserFactory(
        username="sid", first_name="Sid", last_name="Stranger", role=roles.CUSTOMER_VIEWER,
        organization=OrganizationFactory(slug="meridian", name="Meridian Devices"),
    )  # fmt: skip


def saved_report(owner, *metrics, **fields) -> SavedReport:
    fields.setdefault("period", SavedReport.Period.CUSTOM)
    fields.setdefault("start", date(2026, 1, 1))
    fields.setdefault("end", date(2026, 4, 30))
    return SavedReport.objects.create(
        name=fields.pop("name", "Board pack"), owner=owner, metrics=list(metrics), **fields
    )


def weekly(owner, report, *, recipients=(), **fields):
    """A schedule saved through the service: weekly, Monday 07:00 UTC unless told otherwise."""
    values = {
        "name": "Board pack weekly",
        "owner": owner,
        "report": report,
        "cadence": "weekly",
        "hour": 7,
        "weekday": 1,
    }
    values.update(fields)
    return schedule_save(actor=owner, recipient_users=list(recipients), **values)
