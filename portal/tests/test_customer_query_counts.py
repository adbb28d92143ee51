"""The customer pages' queries stay flat as the organisation's rows grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import Capa, Control, Deviation, Finding
from portal.tests.customer_world import customer_login
from reporting.models import SavedReport

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(world, n):
    helix, owner = world["helix"], world["officer"]
    due = timezone.localdate() + timedelta(days=30)
    for i in range(n):
        Control.objects.create(
            ref=f"HX-{i}",
            name=f"Control {i}",
            owner=owner,
            organization=helix.organization,
            frequency=Control.Frequency.MONTHLY,
        )
        finding = Finding.objects.create(
            ref=f"F-HX-{i}",
            title=f"Gap {i}",
            severity="minor",
            source="self",
            organization=helix.organization,
            owner=owner,
            due_date=due,
        )
        capa = Capa.objects.create(
            ref=f"CAPA-HX-{i}", title=f"Fix {i}", source="finding", finding=finding, owner=owner, due_date=due
        )
        Deviation.objects.create(ref=f"DEV-HX-{i}", title=f"Skip {i}", kind="planned", owner=owner, capa=capa)
        report = SavedReport.objects.create(name=f"Report {i}", owner=owner, metrics=["sla_compliance"])
        report.shared_with_organizations.add(helix.organization)


@pytest.mark.parametrize("url", ["/customer/", "/customer/compliance/", "/customer/reports/"])
def test_queries_do_not_grow_with_rows(client, customers, url, django_assert_max_num_queries):
    customer_login(client, customers["helix"].viewer)
    queries(client, url)  # warm the per-process caches (metric layer, compiled statements)
    before = queries(client, url)
    grow(customers, 15)
    with django_assert_max_num_queries(before):
        client.get(url)
