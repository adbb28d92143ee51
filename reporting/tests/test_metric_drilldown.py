"""metric_rows: the mart rows behind a number, masked for the reader, limited, logged."""

import pytest

from catalog.models import Column
from catalog.tests.factories import level
from reporting.drilldown import metric_rows
from reporting.series import MetricQueryError
from reporting.tests.marts_world import FEB, JAN, MAR, Q1
from warehouse.reads.models import AccessLog


def test_the_rows_behind_a_quarter_flow_are_its_months(marts_world, executive):
    rows = metric_rows(user=executive, metric="sla_compliance", period=Q1, grain="quarter")
    assert sorted((r["month_start"], r["tenant_id"]) for r in rows.rows) == [
        (JAN, 1),
        (JAN, 2),
        (FEB, 1),
        (FEB, 2),
    ]
    assert sum(r["sla_met"] for r in rows.rows) == 22  # the numerator of the quarter's value
    assert rows.masked == {} and rows.truncated is False


def test_the_rows_behind_a_quarter_end_value_are_its_last_month(marts_world, executive):
    rows = metric_rows(user=executive, metric="arr", period=Q1, grain="quarter", where={"tier": "enterprise"})
    assert [(r["month_start"], r["tier"], r["arr"]) for r in rows.rows] == [(MAR, "enterprise", 14400)]


def test_columns_above_the_clearance_come_back_masked(marts_world, executive):
    Column.objects.filter(dataset__name__endswith="mart_work_orders_tenant_month", name="tenant_id").update(
        classification=level("L3")
    )
    rows = metric_rows(user=executive, metric="work_orders_completed", period=JAN)
    assert rows.masked == {"tenant_id": "hash"}
    assert all(r["tenant_id"] not in (1, 2) for r in rows.rows)
    log = AccessLog.objects.get()
    assert log.masked_columns == ["marts.mart_work_orders_tenant_month.tenant_id"]


def test_the_limit_truncates_and_says_so(marts_world, executive):
    rows = metric_rows(user=executive, metric="sla_compliance", period=Q1, grain="quarter", limit=3)
    assert (len(rows.rows), rows.truncated) == (3, True)
    with pytest.raises(MetricQueryError, match="between 1 and 1000"):
        metric_rows(user=executive, metric="sla_compliance", period=Q1, limit=0)


def test_a_dashboard_link_opens_the_rows_of_that_number(marts_world, client, executive):
    from reporting.links import metric_rows_url

    client.force_login(executive)
    url = metric_rows_url("work_orders_completed", Q1, "quarter", tier=["enterprise", "starter"], tenant_id=2)
    assert url == (
        "/admin/metrics/work_orders_completed/rows/?period=2026-01-01&grain=quarter"
        "&tier=enterprise&tier=starter&tenant_id=2"
    )
    page = client.get(url).content.decode()
    assert "2 rows" in page and "tenant_id = 2" in page
