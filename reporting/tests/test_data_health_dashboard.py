"""The data-health dashboard against a small catalogue whose numbers are computed by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Dataset
from governance.models import CheckResult, FreshnessIncident, MetricAnomaly, QualityCheck, QualityScore

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
URL = "/admin/dashboards/data-health/"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _page(client, user):
    client.force_login(user)
    return client.get(URL)


def _dataset(name, layer):
    return Dataset.objects.create(namespace="duckdb://warehouse", name=name, layer=layer)


def _score(dataset, total, days_ago=0):
    return QualityScore.objects.create(
        dataset=dataset, total=total, computed_at=NOW - timedelta(days=days_ago)
    )


@pytest.fixture
def world():
    """Marts: revenue 80 today (was 100 two days ago), support 90; curated: fact 70."""
    revenue, support = _dataset("marts.mart_revenue", "mart"), _dataset("marts.mart_support", "mart")
    fact = _dataset("curated.fact_work_order_event", "curated")
    _score(revenue, 100, days_ago=2)
    _score(revenue, 80)
    _score(support, 90, days_ago=1)
    _score(fact, 70)
    failing = QualityCheck.objects.create(
        dataset=fact, column="tenant_id", check_type="not_null", severity="error"
    )
    passing = QualityCheck.objects.create(dataset=revenue, check_type="row_count")
    # Failed yesterday, passed today: not failing any more.
    recovered = QualityCheck.objects.create(dataset=support, check_type="unique", column="ticket_id")
    for check, status, hours_ago in [
        (failing, "fail", 1),
        (passing, "pass", 1),
        (recovered, "fail", 25),
        (recovered, "pass", 1),
    ]:
        CheckResult.objects.create(
            quality_check=check, status=status, ran_at=NOW - timedelta(hours=hours_ago)
        )
    FreshnessIncident.objects.create(
        dataset=fact, opened_at=NOW - timedelta(hours=5), max_age=timedelta(hours=2)
    )
    FreshnessIncident.objects.create(
        dataset=revenue,
        opened_at=NOW - timedelta(days=3),
        closed_at=NOW - timedelta(days=2),
        max_age=timedelta(hours=2),
    )
    MetricAnomaly.objects.create(
        metric="rows", subject="fact", day=date(2026, 10, 30), value=9, expected=100, score=-8
    )
    MetricAnomaly.objects.create(
        metric="rows",
        subject="fact",
        day=date(2026, 10, 29),
        value=9,
        expected=100,
        score=-8,
        acknowledged_at=NOW,
        note="known outage",
    )
    return revenue, support, fact, failing


def test_layers_lowest_and_trend(client, data_steward, world):
    revenue, support, fact, _ = world
    context = _page(client, data_steward).context
    layers = {row["label"]: (row["mean"], row["lowest"], row["datasets"]) for row in context["layers"]}
    assert layers == {"Curated": (70.0, 70.0, 1), "Mart": (85.0, 80.0, 2)}  # mart: (80 + 90) / 2
    assert [(s.dataset, s.total) for s, _ in context["lowest"]] == [(fact, 70), (revenue, 80), (support, 90)]
    trend = {(row["day"], row["layer"]): row["score"] for row in context["trend"]}
    assert trend == {
        ("2026-10-29", "Mart"): 100.0,
        ("2026-10-30", "Mart"): 90.0,
        ("2026-10-31", "Curated"): 70.0,
        ("2026-10-31", "Mart"): 80.0,
    }


def test_sla_status_this_month(client, data_steward, world):
    sla = _page(client, data_steward).context["sla"]
    # Targets: curated fact 95, marts 90. Revenue mean (100 + 80) / 2 = 90 meets 90; fact 70 misses.
    status = {row.dataset.name: (row.target, row.mean, row.met) for row in sla["rows"]}
    assert status == {
        "curated.fact_work_order_event": (95.0, 70.0, False),
        "marts.mart_revenue": (90.0, 90.0, True),
        "marts.mart_support": (90.0, 90.0, True),
    }
    assert sla["missed"] == 1 and sla["url"].endswith("?month=2026-10")


def test_failing_stale_and_waiting(client, data_steward, world):
    *_, fact, failing = world
    context = _page(client, data_steward).context
    assert context["failing"]["count"] == 1 and context["failing"]["items"] == [failing]
    # a warn-severity check that fails reports "warn": it is failing too, listed after the errors
    warned = QualityCheck.objects.create(dataset=fact, column="quantity", check_type="range", severity="warn")
    CheckResult.objects.create(quality_check=warned, status="warn", ran_at=NOW)
    context = _page(client, data_steward).context
    assert context["failing"]["count"] == 2 and context["failing"]["items"] == [failing, warned]
    assert "Failed (warning)" in _page(client, data_steward).content.decode()
    assert context["stale"]["count"] == 1 and context["stale"]["items"][0].dataset == fact
    assert context["anomalies"]["count"] == 1 and context["anomalies"]["items"][0].day == date(2026, 10, 30)


def test_links_open_the_lists_behind_the_numbers(client, data_steward, world):
    context = _page(client, data_steward).context
    assert client.get(context["stale"]["url"]).context["cl"].result_count == 1
    assert client.get(context["anomalies"]["url"]).context["cl"].result_count == 1
    # Every failing or could-not-run result on record (the recovered check's failure of yesterday too).
    assert client.get(context["failing"]["url"]).context["cl"].result_count == 2
    mart = next(row for row in context["layers"] if row["label"] == "Mart")
    assert client.get(mart["url"]).context["cl"].result_count == 3


def test_empty_states(client, data_steward):
    page = _page(client, data_steward).content.decode()
    assert "No dataset has a quality score yet" in page
    assert "No anomaly is waiting for a steward." in page
    assert "Every checked dataset is fresh." in page
    assert "Every enabled check passed its latest run." in page


def test_compliance_officer_sees_scores_but_not_the_stewards_queues(client, compliance_officer, world):
    page = _page(client, compliance_officer)
    assert page.status_code == 200
    assert page.context["layers"] and page.context["anomalies"]["count"] == 0
    assert "Metric anomalies are not open to your role." in page.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("data_steward", 200), ("compliance_officer", 200), ("executive", 403), ("submission_manager", 403)],
)
def test_who_sees_data_health(client, request, persona, status):
    assert _page(client, request.getfixturevalue(persona)).status_code == status


def _grow(n):
    for i in range(n):
        dataset = _dataset(f"marts.grown_{n}_{i}", "mart")
        _score(dataset, 50 + i, days_ago=i % 5)
        check = QualityCheck.objects.create(dataset=dataset, check_type="row_count")
        CheckResult.objects.create(quality_check=check, status="fail", ran_at=NOW)
        FreshnessIncident.objects.create(dataset=dataset, opened_at=NOW, max_age=timedelta(hours=1))
        MetricAnomaly.objects.create(
            metric="rows", subject=dataset.name, day=date(2026, 10, 30), value=1, expected=2, score=9
        )


def test_query_count_does_not_grow_with_rows(client, data_steward, world, django_assert_max_num_queries):
    _grow(2)
    client.force_login(data_steward)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    _grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL)
