"""Two customer organisations over the marts of reporting/tests/marts_world.py (the `warehouse`
fixture of customer_world.py): Helix (tenant 1,
two allowed origins) and Orbit (tenant 2, none), each with a customer viewer and an embed link of
its work-order dashboard, made by a compliance officer."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import roles
from accounts.tests.factories import OrganizationFactory, UserFactory
from portal.embeds.services import embed_link_create
from portal.embeds.tokens import embed_token
from portal.models import EmbedLink, EmbedOrigin
from warehouse.reads.models import TenantKey

# The marts hold January to April 2026; the dashboards show the last 12 whole months.
TODAY = datetime(2026, 5, 15, 9, 0, tzinfo=UTC)
HELIX_ORIGINS = ["https://intranet.helix.example", "https://wiki.helix.example:8443"]


@dataclass
class EmbedWorld:
    officer: object
    helix: object
    orbit: object
    helix_reader: object
    orbit_reader: object
    helix_link: EmbedLink
    orbit_link: EmbedLink

    def url(self, link: EmbedLink) -> str:
        return f"/embed/{embed_token(link)}/"


def new_link(officer, reader, *, days=30, dashboard="work-orders"):
    return embed_link_create(
        organization=reader.organization, dashboard=dashboard, reader=reader,
        expires_at=timezone.now() + timedelta(days=days), actor=officer, label=f"{reader} intranet",
    )  # fmt: skip


@pytest.fixture
def embed_world(warehouse, compliance_officer):
    with time_machine.travel(TODAY, tick=True):
        yield _build(compliance_officer)


def _build(compliance_officer) -> EmbedWorld:
    helix = OrganizationFactory(name="Helix Pharma", slug="helix")
    orbit = OrganizationFactory(name="Orbit Labs", slug="orbit")
    helix_reader = UserFactory(role=roles.CUSTOMER_VIEWER, username="chris", organization=helix)
    orbit_reader = UserFactory(role=roles.CUSTOMER_VIEWER, username="olga", organization=orbit)
    TenantKey.objects.create(organization=helix, tenant_id=1)
    TenantKey.objects.create(organization=orbit, tenant_id=2)
    for origin in HELIX_ORIGINS:
        EmbedOrigin.objects.create(organization=helix, origin=origin)
    return EmbedWorld(
        compliance_officer, helix, orbit, helix_reader, orbit_reader,
        new_link(compliance_officer, helix_reader), new_link(compliance_officer, orbit_reader),
    )  # fmt: skip
