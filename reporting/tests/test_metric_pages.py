"""The metric pages in the admin: list, definition with trend, the rows behind a number."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Column, Dataset
from catalog.tests.factories import level
from reporting.metric_layer import metric_layer
from reporting.tests.marts_world import JAN, Q1
from warehouse.reads.models import AccessPolicy


def test_the_list_shows_every_metric_with_its_mart_linked_to_the_catalog(marts_world, client, executive):
    client.force_login(executive)
    response = client.get("/admin/metrics/")
    page = response.content.decode()
    assert response.status_code == 200
    for metric in metric_layer().metrics.values():
        assert f'href="/admin/metrics/{metric.name}/"' in page
    mart = Dataset.objects.get(name__endswith="mart_retention_segment")
    assert f'href="/admin/catalog/dataset/{mart.pk}/change/"' in page
    assert "Chief Financial Officer" in page and "Executive dashboard" in page


def test_the_list_searches_and_filters_by_dashboard(marts_world, client, executive):
    client.force_login(executive)
    page = client.get("/admin/metrics/", {"q": "retention"}).content.decode()
    assert "/admin/metrics/nrr/" in page and "/admin/metrics/work_orders_completed/" not in page
    page = client.get("/admin/metrics/", {"dashboard": "operational"}).content.decode()
    assert "/admin/metrics/sla_compliance/" in page and "/admin/metrics/arr/" not in page
    assert "No metric matches" in client.get("/admin/metrics/", {"q": "zzz"}).content.decode()


def test_list_queries_do_not_grow_with_metrics(marts_world, client, executive):
    client.force_login(executive)
    client.get("/admin/metrics/")  # the session's first request does its own bookkeeping
    counts = []
    for params in ({"q": "ARR"}, {"dashboard": "operational"}, {}):  # 1, 9 and 22 metrics
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/metrics/", params).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_detail_queries_do_not_grow_with_periods(marts_world, client, executive):
    client.force_login(executive)
    # session bookkeeping, the freshness lookup and the monthly read every grain rolls up from
    client.get("/admin/metrics/mrr/")
    counts = []
    for grain in ("year", "month"):  # 1 and 4 periods
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/metrics/mrr/", {"grain": grain}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_detail_page_shows_the_definition_and_a_trend_linking_to_its_rows(marts_world, client, executive):
    client.force_login(executive)
    response = client.get("/admin/metrics/sla_compliance/", {"grain": "quarter"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "met / (met + breached)" in page
    assert "mart_work_orders_tenant_month_reconciles_to_monthly" in page
    assert f"{22 / 26 * 100:.1f} %" in page
    assert "/admin/metrics/sla_compliance/rows/?period=2026-01-01&amp;grain=quarter" in page
    assert "No warehouse run has built the marts yet." in page


def test_the_detail_page_explains_a_refusal_and_a_bad_parameter(marts_world, client, executive):
    client.force_login(executive)
    assert client.get("/admin/metrics/arr/", {"grain": "week"}).status_code == 400
    AccessPolicy.objects.filter(role__name="Executive").update(status=AccessPolicy.Status.RETIRED)
    page = client.get("/admin/metrics/arr/").content.decode()
    assert "has an active warehouse access policy" in page and metric_layer().get("arr").formula in page
    assert client.get("/admin/metrics/no_such_metric/").status_code == 404


def test_the_rows_page_shows_the_rows_and_notes_masking(marts_world, client, executive):
    Column.objects.filter(dataset__name__endswith="mart_work_orders_tenant_month", name="tenant_id").update(
        classification=level("L3")
    )
    client.force_login(executive)
    response = client.get(
        "/admin/metrics/sla_compliance/rows/", {"period": Q1.isoformat(), "grain": "quarter", "limit": "3"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Masked for you" in page and "<code>tenant_id</code> (hash)" in page
    assert "3 rows; more exist" in page and "limit=15" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Say which period"),
        ({"period": "January"}, "must be a date as YYYY-MM-DD"),
        ({"period": JAN.isoformat(), "region": "eu"}, "Unknown parameter(s) region"),
        ({"period": JAN.isoformat(), "limit": "0"}, "`limit` must be a whole number"),
    ],
)
def test_the_rows_page_refuses_bad_parameters(marts_world, client, executive, params, message):
    client.force_login(executive)
    response = client.get("/admin/metrics/work_orders_completed/rows/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_rows_page_is_forbidden_without_access(marts_world, client, outsider):
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    response = client.get("/admin/metrics/arr/rows/", {"period": JAN.isoformat()})
    assert response.status_code == 403
