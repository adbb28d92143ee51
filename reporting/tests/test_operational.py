"""The operational dashboard against marts_world.py (values computed by hand there):

January 2026: tenant 1 (enterprise) completed 8 orders, 7 of 8 due met the SLA, 30 of 40 agent runs
autonomous, 400,000 tokens, 6 tickets; tenant 2 (starter) 4 orders, 2 of 4 met, 2 of 10 runs
autonomous, 50,000 tokens, 3 tickets. Cycle hours in January: [2, 4, 6, 8] and [10].
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import OrganizationFactory
from catalog.models import Column
from catalog.tests.factories import level
from reporting.tests.biz_world import biz_world_marts, write_marts
from warehouse.reads.models import AccessLog, TenantKey

URL = "/admin/dashboards/operational/"
JAN = {"period": "2026-01-01"}


@pytest.fixture
def tenants(db):
    for tenant_id, name in ((1, "Helix Pharma"), (2, "Meridian Devices")):
        TenantKey.objects.create(
            organization=OrganizationFactory(name=name, slug=name.lower().replace(" ", "-")),
            tenant_id=tenant_id,
        )


@pytest.fixture
def ops_client(client, executive, marts_world, tenants):
    client.force_login(executive)
    return client


def tiles(response) -> dict:
    return {t.metric.name: t.value for t in response.context["page"].tiles()}


def rows(response) -> dict[str, list[str]]:
    breakdown = response.context["page"].breakdown
    return {row["label"]: [cell["shown"] for cell in row["values"]] for row in breakdown["rows"]} | {
        "Total": [cell["shown"] for cell in breakdown["total"]]
    }


def test_tiles_match_the_hand_computed_month(ops_client):
    shown = tiles(ops_client.get(URL, JAN))
    assert shown["work_orders_completed"] == "12"
    assert shown["sla_compliance"] == "75.0 %"  # (7 + 2) / (8 + 4)
    assert shown["agent_autonomy_rate"] == "64.0 %"  # (30 + 2) / 50
    assert shown["agent_tokens"] == "450,000"
    assert shown["support_tickets"] == "9"


def test_per_tenant_rows_are_named_and_add_up(ops_client):
    table = rows(ops_client.get(URL, {**JAN, "by": "tenant_id"}))
    columns = ["work_orders_completed", "cycle_time_median", "cycle_time_p90", "sla_compliance"]
    completed, tokens = columns.index("work_orders_completed"), 5  # columns follow the tiles' order
    assert set(table) == {"Helix Pharma", "Meridian Devices", "Total"}
    assert table["Helix Pharma"][completed] == "8" and table["Meridian Devices"][completed] == "4"
    assert table["Helix Pharma"][3] == "87.5 %"  # 7 / 8
    assert (table["Helix Pharma"][tokens], table["Meridian Devices"][tokens], table["Total"][tokens]) == (
        "400,000",
        "50,000",
        "450,000",
    )


def test_thousands_of_tenants_show_the_busiest_and_say_how_many_more(ops_client, monkeypatch):
    monkeypatch.setattr("reporting.operational.BREAKDOWN_ROWS", 1)
    response = ops_client.get(URL, {**JAN, "by": "tenant_id"})
    table = rows(response)
    assert set(table) == {"Helix Pharma", "Total"}  # 8 completed against Meridian's 4
    assert table["Total"][0] == "12"  # the total still covers every tenant
    assert "1 more have data for Jan 2026 and count in the total" in response.content.decode()
    # only the busiest metric is read for every tenant; the others for the tenants shown
    per_tenant = AccessLog.objects.filter(datasets=["marts.mart_agent_tenant_month"]).order_by("-pk").first()
    assert per_tenant.row_count == 1


def test_per_tier_rows_carry_labels(ops_client):
    assert set(rows(ops_client.get(URL, {**JAN, "by": "tier"}))) == {"Enterprise", "Starter", "Total"}


def test_latest_period_is_the_default_and_quarters_sum_the_months(ops_client):
    response = ops_client.get(URL)
    assert response.context["period_label"] == "Apr 2026"
    assert tiles(response)["work_orders_completed"] == "9"
    quarter = ops_client.get(URL, {"grain": "quarter", "period": "2026-01-01"})
    assert tiles(quarter)["work_orders_completed"] == "26"  # 8 + 4 + 11 + 3
    assert tiles(quarter)["sla_compliance"] == "84.6 %"  # 22 / 26


def test_a_tenant_filter_shows_that_tenant_only(ops_client):
    response = ops_client.get(URL, {**JAN, "tenant_id": "2"})
    assert tiles(response)["work_orders_completed"] == "4"
    assert '<option value="2" selected>Meridian Devices</option>' in response.content.decode()


def test_a_tier_without_data_shows_an_empty_state(ops_client):
    assert "No figures for these filters" in ops_client.get(URL, {"tier": "professional"}).content.decode()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"tenant_id": "abc"}, "Unknown tenant"),
        ({"tier": "gold"}, "Unknown tier"),
        ({"period": "2026-02-30"}, "is not a date"),
    ],
)
def test_bad_parameters_get_a_clear_message_and_read_nothing(ops_client, params, message):
    response = ops_client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessLog.objects.exists()


def test_cycle_and_resolution_medians(ops_client):
    shown = tiles(ops_client.get(URL, JAN))
    assert (shown["cycle_time_median"], shown["support_resolution_median"]) == ("6.0 h", "7.0 h")


def test_the_steward_sees_masked_tenants_and_a_message_for_a_masked_measure(
    client, data_steward, marts_world, tenants
):
    l3 = level("L3")
    Column.objects.filter(
        dataset__name__endswith="mart_agent_tenant_month", name__in=["tenant_id", "tokens_used"]
    ).update(classification=l3)
    client.force_login(data_steward)
    response = client.get(URL, {**JAN, "by": "tenant_id"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "AI tokens used: sum of tokens_used is not possible" in html
    assert "Masked tenant" in html  # the agent mart's tenant ids are hashed for the steward
    assert tiles(response)["work_orders_completed"] == "12"  # unmasked marts still show


def test_queries_do_not_grow_with_months_and_tenants(ops_client, marts_world, django_assert_max_num_queries):
    ops_client.get(URL)  # the first request of a session fills caches the others reuse
    cache.clear()  # both pages read the warehouse, none is served from the metric cache
    with CaptureQueriesContext(connection) as small:
        ops_client.get(URL, {"by": "tenant_id"})
    write_marts(marts_world, biz_world_marts(months=24), catalog=False)
    cache.clear()  # new marts: as after a run, nothing cached applies
    with django_assert_max_num_queries(len(small)):
        response = ops_client.get(URL, {"by": "tenant_id"})
    assert len(response.context["page"].breakdown["rows"]) == 5
