"""The executive dashboard against marts_world.py, whose values are computed by hand there:

MRR per month (all segments): Jan 1,100 · Feb 1,600 · Mar 1,500 · Apr 1,450 (ARR = 12 times MRR).
Apr by tier: enterprise 1,100 · growth 300 · starter 50 (reactivated after churning in Mar).
12-month cohorts measured in Apr: start 1,400, end 1,200, retained 1,100, 3 of 6 customers gone.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reporting.kpi_tiles import MINUS
from reporting.tests.biz_world import biz_world_marts, write_marts
from reporting.tests.marts_world import finish_run
from warehouse.models import JobRun
from warehouse.reads.models import AccessLog, AccessPolicy

URL = "/admin/dashboards/executive/"


@pytest.fixture
def exec_client(client, executive, marts_world):
    client.force_login(executive)
    return client


def tiles(response) -> dict[str, object]:
    return {t.metric.name: t for t in response.context["page"].tiles}


def test_each_persona_sees_exactly_its_dashboards(
    client, marts_world, executive, data_steward, compliance_officer
):
    expected = {
        executive: {"executive": 200, "operational": 200},
        data_steward: {"executive": 403, "operational": 200},
        compliance_officer: {"executive": 403, "operational": 403},
    }
    for user, pages in expected.items():
        client.force_login(user)
        seen = {slug: client.get(f"/admin/dashboards/{slug}/").status_code for slug in pages}
        assert seen == pages, user.username


def test_tiles_show_the_latest_month_and_its_changes(exec_client):
    response = exec_client.get(URL)
    assert response.status_code == 200
    shown = tiles(response)
    assert response.context["period_label"] == "Apr 2026"
    assert shown["arr"].value == "$17,400"
    assert shown["arr"].previous == f"{MINUS}$600 ({MINUS}3.3 %)"  # 17,400 against 18,000 in March
    assert shown["arr"].year_ago == "no earlier value"
    assert shown["customers"].value == "3"
    assert shown["nrr"].value == "85.7 %"  # (1,100 + 100) / 1,400
    assert shown["grr"].value == "78.6 %"  # (1,000 + 100) / 1,400
    assert shown["grr"].previous == "+7.1 pts"  # March: 1,000 / 1,400 = 71.4 %
    assert shown["logo_churn"].value == "50.0 %"  # 3 / 6
    assert shown["gross_margin"].value == "70.0 %"  # (1,400 - 420) / 1,400
    html = response.content.decode()
    assert "$17,400" in html and "85.7 %" in html


def test_every_number_links_to_its_metric_and_its_rows(exec_client):
    html = exec_client.get(URL).content.decode()
    assert 'href="/admin/metrics/arr/"' in html
    assert 'href="/admin/metrics/arr/rows/?period=2026-04-01&amp;grain=month"' in html
    assert 'href="/admin/metrics/churned_mrr/rows/?period=2026-04-01&amp;grain=month"' in html


@pytest.mark.parametrize("dimension", ["tier", "icp_segment", "region"])
def test_segment_rows_add_up_to_the_total(exec_client, dimension):
    breakdown = exec_client.get(URL, {"by": dimension}).context["page"].breakdown
    assert len(breakdown["rows"]) >= 2
    for metric in ("arr", "customers"):
        assert sum(row["raw"][metric] for row in breakdown["rows"]) == breakdown["total_raw"][metric]
    assert breakdown["total_raw"]["arr"] == 17400


def test_segment_rows_carry_labels_not_codes(exec_client):
    by_tier = exec_client.get(URL, {"by": "tier"}).context["page"].breakdown
    assert [row["label"] for row in by_tier["rows"]] == ["Enterprise", "Growth", "Starter"]
    by_region = exec_client.get(URL, {"by": "region"}).context["page"].breakdown
    assert {row["label"]: row["raw"]["arr"] for row in by_region["rows"]} == {
        "United States": 16800,
        "Europe": 600,
    }


def test_mrr_waterfall_reconciles_opening_to_closing(exec_client):
    waterfall = exec_client.get(URL).context["page"].waterfall
    assert {s["name"]: s["value"] for s in waterfall["steps"]} == {
        "opening_mrr": 1500,
        "new_mrr": 0,
        "expansion_mrr": 0,
        "reactivation_mrr": 50,
        "contraction_mrr": 100,
        "churned_mrr": 0,
        "mrr": 1450,
    }
    assert waterfall["reconciles"] is True
    assert "reconciles" in exec_client.get(URL).content.decode()


def test_quarter_grain_takes_the_quarter_end_and_sums_the_movements(exec_client):
    response = exec_client.get(URL, {"grain": "quarter"})
    page = response.context["page"]
    assert response.context["period_label"] == "2026 Q2"
    assert tiles(response)["arr"].previous == f"{MINUS}$600 ({MINUS}3.3 %)"  # Q1 ends in March at 18,000
    q1 = exec_client.get(URL, {"grain": "quarter", "period": "2026-01-01"}).context["page"].waterfall
    # Q1: opening 0 + new 1,000 + 100 + 300 + expansion 200 - churn 100 = closing 1,500
    assert {s["name"]: s["value"] for s in q1["steps"]}["new_mrr"] == 1400
    assert q1["steps"][-1]["value"] == 1500 and q1["reconciles"]
    assert page.charts()["trend-arr"].rows == [
        {"period": "2026 Q1", "value": 18000.0},
        {"period": "2026 Q2", "value": 17400.0},
    ]


def test_year_grain_shows_the_year(exec_client):
    response = exec_client.get(URL, {"grain": "year"})
    assert response.context["period_label"] == "2026"
    assert tiles(response)["arr"].value == "$17,400"
    assert tiles(response)["customers"].year_ago == "no earlier value"


def test_a_tier_filter_narrows_every_figure(exec_client):
    response = exec_client.get(URL, {"tier": "starter", "period": "2026-04"})
    assert tiles(response)["arr"].value == "$600"
    steps = {s["name"]: s["value"] for s in response.context["page"].waterfall["steps"]}
    assert steps == {
        "opening_mrr": 0,
        "new_mrr": 0,
        "expansion_mrr": 0,
        "reactivation_mrr": 50,
        "contraction_mrr": 0,
        "churned_mrr": 0,
        "mrr": 50,
    }
    assert [row["label"] for row in response.context["page"].breakdown["rows"]] == ["Starter"]


def test_a_filter_without_data_shows_an_empty_state(exec_client):
    response = exec_client.get(URL, {"tier": "professional"})
    assert response.status_code == 200
    assert "No figures for these filters" in response.content.decode()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"tier": "platinum"}, "Unknown tier &#x27;platinum&#x27;"),
        ({"period": "2026-13-45"}, "is not a date"),
        ({"grain": "week"}, "Unknown grain"),
        ({"by": "colour"}, "Cannot break the figures down"),
    ],
)
def test_bad_parameters_get_a_clear_message_and_read_nothing(exec_client, params, message):
    response = exec_client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessLog.objects.exists()


def test_a_user_whose_policy_was_retired_gets_a_message_not_an_error(exec_client):
    AccessPolicy.objects.filter(role__name="Executive").update(status=AccessPolicy.Status.RETIRED)
    response = exec_client.get(URL)
    assert response.status_code == 200
    assert "You may not read marts.mart_mrr_segment_month" in response.content.decode()
    assert AccessLog.objects.filter(outcome=AccessLog.Outcome.DENIED).exists()


def test_the_page_names_the_warehouse_run_its_figures_come_from(
    exec_client, django_capture_on_commit_callbacks
):
    assert "No warehouse run has built the marts yet" in exec_client.get(URL).content.decode()
    run = finish_run(django_capture_on_commit_callbacks, job="dbt_build")
    JobRun.objects.create(job="dbt_build", status=JobRun.Status.FAILED, finished_at=timezone.now())
    assert f"warehouse run #{run.pk} (dbt_build)" in exec_client.get(URL).content.decode()


def test_queries_do_not_grow_with_months_and_segments(
    exec_client, marts_world, django_assert_max_num_queries
):
    exec_client.get(URL)  # the first request of a session fills caches the others reuse
    cache.clear()  # both pages read the warehouse, none is served from the metric cache
    with CaptureQueriesContext(connection) as small:
        exec_client.get(URL, {"by": "region"})
    write_marts(marts_world, biz_world_marts(months=24), catalog=False)
    cache.clear()  # new marts: as after a run, nothing cached applies
    with django_assert_max_num_queries(len(small)), CaptureQueriesContext(connection) as large:
        response = exec_client.get(URL, {"by": "region"})
    assert len(response.context["page"].breakdown["rows"]) == 4  # four regions against two
    assert len(large) == len(small)


def test_a_segment_filter_leaves_company_wide_metrics_out_with_a_note(exec_client):
    response = exec_client.get(URL, {"region": "eu"})
    shown = tiles(response)
    assert shown["gross_margin"].value == "—"
    assert "Not kept per segment" in shown["gross_margin"].note
    assert shown["arr"].value == "$600"  # only the starter segment is in Europe
    assert response.context["page"].problems == []


def test_the_page_logs_every_read_in_one_insert(exec_client):
    exec_client.get(URL)  # fills the metric cache: the second page is served from it
    before = AccessLog.objects.count()
    with CaptureQueriesContext(connection) as page:
        exec_client.get(URL)
    inserts = [q["sql"] for q in page.captured_queries if q["sql"].upper().startswith("INSERT INTO")]
    log_inserts = [sql for sql in inserts if AccessLog._meta.db_table in sql]
    logged = AccessLog.objects.filter(pk__gt=0).count() - before
    assert logged > 5  # one row per metric read, cached or not
    assert len(log_inserts) == 1
