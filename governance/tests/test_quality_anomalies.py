"""Anomaly detection: flags a spike and a level shift, not an ordinary weekly rhythm; stewards acknowledge."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import MetricAnomaly, MetricPoint
from governance.quality.anomalies import THRESHOLD, detect
from governance.tasks import detect_metric_anomalies
from warehouse.models import WarehouseModel

START = date(2025, 1, 6)  # a Monday
WEEKDAY_SHAPE = [1.0, 1.05, 1.1, 1.05, 0.95, 0.4, 0.3]  # busy weekdays, quiet weekends
FALSE_POSITIVE_BOUND = 0.01  # measured: 0.3 % over ten seeds


def year_of_volumes(seed: int, days: int = 365, noise: float = 0.05) -> dict[date, float]:
    """Daily row counts with a weekday rhythm, a slow growth and multiplicative Gaussian noise."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    series = {}
    for n in range(days):
        day = START + timedelta(days=n)
        series[day] = 10_000 * (1 + n / 3650) * WEEKDAY_SHAPE[day.weekday()] * (1 + rng.gauss(0, noise))
    return series


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_ordinary_weekly_rhythm_with_noise_stays_under_the_false_positive_bound(seed):
    series = year_of_volumes(seed)
    judged = [d for d in series if d >= START + timedelta(weeks=16)]

    flagged = detect(series, days=judged)

    assert len(flagged) / len(judged) < FALSE_POSITIVE_BOUND


def test_a_quiet_sunday_is_no_anomaly_but_a_sunday_as_busy_as_a_monday_is():
    series = year_of_volumes(seed=4)
    sunday = START + timedelta(weeks=30, days=6)
    assert detect(series, days=[sunday]) == []

    series[sunday] = series[sunday - timedelta(days=6)]  # a Monday's volume on a Sunday
    (finding,) = detect(series, days=[sunday])
    assert finding.score > THRESHOLD and finding.expected < series[sunday] / 2


@pytest.mark.parametrize("factor", [1.5, 0.5])
def test_an_injected_spike_or_drop_is_flagged_on_its_day_only(factor):
    series = year_of_volumes(seed=5)
    spike = START + timedelta(days=200)
    series[spike] *= factor
    around = [spike + timedelta(days=n) for n in range(-7, 8)]

    assert [f.day for f in detect(series, days=around)] == [spike]


def test_a_level_shift_is_flagged_from_its_first_day_until_the_new_level_becomes_usual():
    series = year_of_volumes(seed=6)
    shift = START + timedelta(days=250)
    series = {d: v * 1.3 if d >= shift else v for d, v in series.items()}

    flagged = {f.day for f in detect(series, days=[d for d in series if d >= shift - timedelta(days=14)])}

    assert shift in flagged
    assert all(d >= shift for d in flagged)
    assert len(flagged & {shift + timedelta(days=n) for n in range(7)}) >= 5  # the first week stands out
    assert not flagged & {d for d in series if d >= shift + timedelta(weeks=12)}  # then it is the norm


def test_a_constant_metric_flags_a_small_change():
    series = {START + timedelta(days=n): 0.0 for n in range(120)}  # e.g. a null ratio that is always 0
    last = max(series)
    series[last] = 0.02
    assert [f.day for f in detect(series, days=[last])] == [last]


# --- Through the beat task: metrics recorded, anomalies recorded once -----------------------


@pytest.mark.django_db
def test_the_daily_task_records_a_models_volume_and_flags_a_sudden_drop_once():
    history = year_of_volumes(seed=7, days=140)
    day = max(history) + timedelta(days=1)
    MetricPoint.objects.bulk_create(
        MetricPoint(metric="rows", subject="fact_work_order_event", day=d, value=v)
        for d, v in history.items()
    )
    WarehouseModel.objects.create(
        unique_id="model.custodian.fact_work_order_event", name="fact_work_order_event", layer="curated",
        last_status="success", last_rows=int(history[day - timedelta(days=7)] * 0.2),
    )  # fmt: skip

    with time_machine.travel(f"{day.isoformat()} 04:30Z", tick=False):
        assert detect_metric_anomalies.delay().get() == 1
        assert detect_metric_anomalies.delay().get() == 0  # idempotent

    anomaly = MetricAnomaly.objects.get()
    assert (anomaly.metric, anomaly.subject, anomaly.day) == ("rows", "fact_work_order_event", day)
    assert anomaly.score < -THRESHOLD
    assert MetricPoint.objects.get(metric="rows", day=day).value == anomaly.value


# --- Acknowledgement in the admin ---------------------------------------------------------------


def anomaly(**kwargs):
    values = {"metric": "rows", "subject": "mart_revenue_monthly", "day": date(2026, 11, 20), "value": 10.0,
              "expected": 100.0, "score": -8.0}  # fmt: skip
    return MetricAnomaly.objects.create(**{**values, **kwargs})


def acknowledge(client, anomalies, note):
    url = reverse("admin:governance_metricanomaly_changelist")
    ids = [a.pk for a in anomalies]
    return client.post(url, {"action": "acknowledge", "_selected_action": ids, "confirm": "1", "note": note})


@pytest.mark.django_db
def test_a_steward_acknowledges_anomalies_with_a_note(client, data_steward):
    first, second = anomaly(), anomaly(subject="mart_support_monthly")
    client.force_login(data_steward)

    page = client.post(
        reverse("admin:governance_metricanomaly_changelist"),
        {"action": "acknowledge", "_selected_action": [first.pk, second.pk]},
    )
    assert b"mart_support_monthly" in page.content and b'name="note"' in page.content

    acknowledge(client, [first, second], "Backfill of November invoices; expected.")

    for row in MetricAnomaly.objects.all():
        assert row.acknowledged_by == data_steward and row.acknowledged_at is not None
        assert row.note == "Backfill of November invoices; expected."
    listing = client.get(reverse("admin:governance_metricanomaly_changelist") + "?acknowledged=yes")
    assert data_steward.get_full_name().encode() in listing.content


@pytest.mark.django_db
def test_acknowledging_without_a_note_or_twice_changes_nothing(client, data_steward):
    fresh, done = anomaly(), anomaly(subject="x", note="seen", acknowledged_by=data_steward)
    MetricAnomaly.objects.filter(pk=done.pk).update(acknowledged_at=datetime(2026, 11, 21, tzinfo=UTC))
    client.force_login(data_steward)

    blank = acknowledge(client, [fresh], "   ")
    assert b"Write a note" in client.get(blank.url).content
    twice = acknowledge(client, [fresh, done], "Seen.")
    assert b"Already acknowledged" in client.get(twice.url).content

    fresh.refresh_from_db()
    assert fresh.acknowledged_at is None and fresh.note == ""


@pytest.mark.django_db
def test_only_holders_of_the_acknowledge_permission_see_the_action(client, executive, data_steward):
    anomaly()
    client.force_login(data_steward)
    assert (
        b"Acknowledge with a note" in client.get(reverse("admin:governance_metricanomaly_changelist")).content
    )
    client.force_login(executive)
    assert client.get(reverse("admin:governance_metricanomaly_changelist")).status_code == 403


@pytest.mark.django_db
def test_the_anomaly_list_costs_the_same_queries_for_many_rows(client, data_steward):
    client.force_login(data_steward)
    url = reverse("admin:governance_metricanomaly_changelist")

    def queries_for(rows: int) -> int:
        for n in range(rows):
            anomaly(subject=f"model_{rows}_{n}", acknowledged_by=data_steward,
                    acknowledged_at=datetime(2026, 11, 21, tzinfo=UTC))  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.content.decode().count(data_steward.get_full_name()) >= rows
        return len(queries)

    client.get(url)  # the first request of a session costs a few more (session, permissions)
    assert queries_for(1) == queries_for(30)
