"""Freshness: expectations from the job schedule or set by hand; one incident and one alert per episode."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from celery.schedules import crontab
from django.core import mail

from catalog.models import Dataset
from catalog.tests.factories import DatasetFactory, chain
from governance.models import FreshnessIncident, FreshnessSla
from governance.quality.freshness import schedule_interval
from governance.tasks import check_freshness
from warehouse.models import WarehouseModel

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def at(minutes_ago: float) -> datetime:
    return NOW - timedelta(minutes=minutes_ago)


def built(name: str, layer: str, *, minutes_ago: float, steward=None) -> Dataset:
    """A dbt model built `minutes_ago`, and its catalog dataset."""
    unique_id = f"model.custodian.{name}"
    WarehouseModel.objects.create(
        unique_id=unique_id, name=name, layer=layer, last_status="success", last_success_at=at(minutes_ago)
    )
    return DatasetFactory(name=f"warehouse.{layer}.{name}", dbt_unique_id=unique_id, steward=steward)


def rebuild(name: str, *, minutes_ago: float = 0):
    WarehouseModel.objects.filter(name=name).update(last_success_at=at(minutes_ago))


_capture = None


def run_check(minutes_later: float = 0) -> dict:
    """The beat task at NOW + minutes_later, its after-commit e-mails sent."""
    with time_machine.travel(NOW + timedelta(minutes=minutes_later), tick=False), _capture(execute=True):
        return check_freshness.delay().get()


@pytest.fixture(autouse=True)
def _created_long_ago(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        yield


def test_event_fact_follows_the_five_minute_job_with_one_missed_run_tolerated(data_steward):
    dataset = built("fact_work_order_event", "curated", minutes_ago=9, steward=data_steward)

    assert run_check()["opened"] == []
    result = run_check(minutes_later=2)  # 11 minutes old: two 5-minute runs missed

    incident = FreshnessIncident.objects.get(pk=result["opened"][0])
    assert incident.dataset == dataset and incident.closed_at is None
    assert incident.max_age == timedelta(minutes=10)
    assert "job events" in incident.expectation_source
    assert [m.to for m in mail.outbox] == [[data_steward.email]]
    assert "fact_work_order_event" in mail.outbox[0].subject


def test_an_episode_alerts_once_and_closes_when_fresh_then_a_new_episode_alerts_again(data_steward):
    built("fact_usage_event", "curated", minutes_ago=30, steward=data_steward)

    first = run_check()
    assert run_check(minutes_later=5) == {"checked": 1, "opened": [], "closed": []}
    assert FreshnessIncident.objects.count() == 1 and len(mail.outbox) == 1

    rebuild("fact_usage_event", minutes_ago=-6)  # the next run, 6 minutes on
    closed = run_check(minutes_later=6)
    assert closed["closed"] == first["opened"]
    assert FreshnessIncident.objects.get().closed_at == NOW + timedelta(minutes=6)

    reopened = run_check(minutes_later=20)
    assert reopened["opened"] and reopened["opened"] != first["opened"]
    assert FreshnessIncident.objects.filter(closed_at__isnull=True).count() == 1
    assert len(mail.outbox) == 2


def test_upstream_models_of_an_event_fact_inherit_the_events_cadence():
    staging = built("stg_work_order_events", "cleansed", minutes_ago=15)
    fact = built("fact_work_order_event", "curated", minutes_ago=1)
    chain(staging, fact)
    monthly = built("fact_invoice", "curated", minutes_ago=15)  # only the daily job builds it

    opened = run_check()["opened"]

    assert [FreshnessIncident.objects.get(pk=pk).dataset for pk in opened] == [staging]
    assert not FreshnessIncident.objects.filter(dataset=monthly).exists()


def test_marts_follow_the_hourly_job():
    built("mart_revenue_monthly", "marts", minutes_ago=119)
    assert run_check()["opened"] == []
    incident = FreshnessIncident.objects.get(pk=run_check(minutes_later=2)["opened"][0])
    assert incident.max_age == timedelta(hours=2)


def test_hand_set_sla_covers_a_raw_lake_table_and_alerts_the_data_stewards_without_a_steward(data_steward):
    raw = DatasetFactory(name="lake/raw/work_orders", layer=Dataset.Layer.RAW, last_updated_at=at(25 * 60))
    FreshnessSla.objects.create(dataset=raw, max_age=timedelta(days=1), note="nightly CDC export")

    incident = FreshnessIncident.objects.get(pk=run_check()["opened"][0])

    assert incident.expectation_source == "set by hand: nightly CDC export"
    assert incident.data_as_of == at(25 * 60)
    assert mail.outbox[0].to == [data_steward.email]


def test_hand_set_sla_overrides_the_schedule():
    dataset = built("mart_support_monthly", "marts", minutes_ago=6 * 60)
    FreshnessSla.objects.create(dataset=dataset, max_age=timedelta(hours=12))
    assert run_check()["opened"] == []


def test_a_dataset_no_job_builds_and_no_sla_covers_is_not_checked():
    DatasetFactory(name="lake/raw/unknown", last_updated_at=at(10_000))
    assert run_check() == {"checked": 0, "opened": [], "closed": []}


def test_a_dataset_never_built_is_stale_once_its_allowance_has_passed_since_it_appeared(data_steward):
    WarehouseModel.objects.create(unique_id="model.custodian.mart_new", name="mart_new", layer="marts")
    DatasetFactory(
        name="warehouse.marts.mart_new", dbt_unique_id="model.custodian.mart_new", steward=data_steward
    )
    incident = FreshnessIncident.objects.get(pk=run_check()["opened"][0])
    assert incident.data_as_of is None
    assert "Newest data: never" in mail.outbox[0].body


def test_removing_the_dataset_from_the_catalog_closes_its_episode():
    dataset = built("mart_retention", "marts", minutes_ago=500)
    opened = run_check()["opened"]
    Dataset.objects.filter(pk=dataset.pk).update(removed_at=NOW)
    assert run_check(minutes_later=1)["closed"] == opened


@pytest.mark.parametrize(
    ("entry", "interval"),
    [
        (crontab(minute="*/5"), timedelta(minutes=5)),
        (crontab(minute=7), timedelta(hours=1)),
        (crontab(hour=3, minute=30), timedelta(days=1)),
        (crontab(hour=3, minute=0, day_of_week=1), timedelta(days=7)),
        (60.0, timedelta(minutes=1)),
    ],
)
def test_schedule_interval_reads_crontabs_and_plain_intervals(entry, interval):
    assert schedule_interval(entry) == interval


def test_the_incident_list_filters_open_episodes_and_shows_stewards_by_name(client, data_steward):
    for n in range(5):
        dataset = built(f"mart_{n}", "marts", minutes_ago=500, steward=data_steward)
        FreshnessIncident.objects.create(
            dataset=dataset, opened_at=at(60), max_age=timedelta(hours=2), expectation_source="job hourly",
            closed_at=at(1) if n % 2 else None,
        )  # fmt: skip
    url = "/admin/governance/freshnessincident/"

    with time_machine.travel(NOW, tick=False):
        client.force_login(data_steward)
        page = client.get(url, {"state": "open"})

    assert "3 freshness incidents" in page.content.decode()
    assert data_steward.get_full_name() in page.content.decode()
    assert "Open for 1 h" in page.content.decode()


def test_the_incident_list_costs_the_same_queries_for_many_rows(
    client, data_steward, django_assert_max_num_queries
):
    client.force_login(data_steward)
    for n in range(30):
        dataset = built(f"mart_q{n}", "marts", minutes_ago=500, steward=data_steward)
        FreshnessIncident.objects.create(
            dataset=dataset, opened_at=at(60), max_age=timedelta(hours=2), expectation_source="job hourly"
        )
    with django_assert_max_num_queries(13):  # one is the navigation's roles (its dashboards)
        assert client.get("/admin/governance/freshnessincident/").status_code == 200
