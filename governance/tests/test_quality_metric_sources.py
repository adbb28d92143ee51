"""Anomalies on MRR, SLA compliance, token use (monthly marts) and null ratios (check results)."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from catalog.models import Dataset
from governance.models import CheckResult, MetricAnomaly, MetricPoint, QualityCheck
from governance.quality.anomalies import (
    THRESHOLD,
    anomalies_detect,
    detect,
    detect_monthly,
    metric_points_record,
    month_shift,
)
from governance.tasks import detect_metric_anomalies
from warehouse.engine import EngineConfig, get_engine

FIRST = date(2016, 1, 1)
FALSE_POSITIVE_BOUND = 0.015  # measured: 0.4-0.8 % of months over twenty seeds
# level, monthly growth, relative noise, the level shift found in 19-20 of 20 seeds (measured; a
# noisier metric needs a bigger shift): a growing MRR, a flat SLA compliance, a noisier token use
MONTHLY = {
    "mrr": (50_000, 0.02, 0.02, 0.7),
    "sla compliance": (0.93, 0.0, 0.015, 0.7),
    "tokens used": (2e6, 0.04, 0.05, 0.5),
}


def months_of(metric: str, seed: int, months: int = 120) -> dict[date, float]:
    """Ten years of a monthly metric: compound growth with multiplicative Gaussian noise."""
    level, growth, noise, _ = MONTHLY[metric]
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    return {
        month_shift(FIRST, k): level * (1 + growth) ** k * (1 + rng.gauss(0, noise)) for k in range(months)
    }


@pytest.mark.parametrize("metric", sorted(MONTHLY))
def test_ordinary_months_stay_under_the_false_positive_bound(metric):
    flagged = judged = 0
    for seed in range(10):
        series = months_of(metric, seed)
        months = [m for m in series if m >= month_shift(FIRST, 24)]
        flagged += len(detect_monthly(series, months=months))
        judged += len(months)
    assert flagged / judged < FALSE_POSITIVE_BOUND


@pytest.mark.parametrize("metric", sorted(MONTHLY))
@pytest.mark.parametrize("factor", [1.5, 0.6])
def test_a_spike_in_a_monthly_metric_is_flagged_on_its_month_only(metric, factor):
    series = months_of(metric, seed=11)
    spike = month_shift(FIRST, 60)
    series[spike] *= factor
    around = [month_shift(spike, k) for k in range(-4, 5)]

    (finding,) = detect_monthly(series, months=around)
    assert finding.day == spike and (finding.score > THRESHOLD) == (factor > 1)


@pytest.mark.parametrize("metric", sorted(MONTHLY))
def test_a_level_shift_in_a_monthly_metric_is_flagged_until_it_is_the_new_level(metric):
    shift = month_shift(FIRST, 70)
    factor = MONTHLY[metric][3]
    series = {m: v * factor if m >= shift else v for m, v in months_of(metric, seed=12).items()}

    flagged = {f.day for f in detect_monthly(series, months=[month_shift(shift, k) for k in range(-6, 24)])}

    assert shift in flagged and all(m >= shift for m in flagged)
    assert not flagged & {month_shift(shift, k) for k in range(3, 24)}


def daily_null_ratios(seed: int, days: int = 365) -> dict[date, float]:
    """A column about 2 % null, noisy from day to day, no weekly rhythm."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    return {date(2025, 1, 1) + timedelta(days=n): max(0.02 * (1 + rng.gauss(0, 0.1)), 0) for n in range(days)}


def test_null_ratios_flag_a_spike_and_a_shift_but_not_ordinary_noise():
    flagged = judged = 0
    for seed in range(5):
        series = daily_null_ratios(seed)
        days = [d for d in series if d >= date(2025, 5, 1)]
        flagged += len(detect(series, days=days))
        judged += len(days)
    assert flagged / judged < 0.01

    ordinary = daily_null_ratios(seed=9)
    spike, shift = date(2025, 6, 10), date(2025, 9, 1)
    series = {d: v * 2 if d >= shift else v for d, v in ordinary.items()}
    series[spike] = 0.2  # a load that lost a column's values for a tenth of its rows
    judged = [d for d in series if d >= date(2025, 6, 1)]
    flagged = {f.day for f in detect(series, days=judged)}
    assert spike in flagged and shift in flagged
    # before the shift, nothing but the spike is flagged that the ordinary series did not flag already
    usual = {f.day for f in detect(ordinary, days=judged)}
    assert {d for d in flagged if d < shift} - {spike} <= usual


# --- Through the daily task: read from the marts and the stored check results -----------------


@pytest.fixture
def marts(settings, tmp_path, db):
    """The three monthly marts in a DuckDB warehouse, catalogued; MRR drops in October 2026."""
    settings.WAREHOUSE_BACKEND = "duckdb"
    settings.WAREHOUSE_DUCKDB_PATH = str(tmp_path / "warehouse.duckdb")
    drop = date(2026, 10, 1)
    with get_engine(EngineConfig(duckdb_path=settings.WAREHOUSE_DUCKDB_PATH)) as engine:
        engine.execute("create schema marts")
        for metric, (table, column) in {
            "mrr": ("mart_revenue_monthly", "mrr"),
            "sla compliance": ("mart_work_orders_monthly", "sla_compliance"),
            "tokens used": ("mart_agent_monthly", "tokens_used"),
        }.items():
            engine.execute(f"create table marts.{table} (month_start date, {column} double)")
            for month, value in months_of(metric, seed=3, months=131).items():
                if month > date(2026, 11, 1):
                    break
                value = value * 0.5 if metric == "mrr" and month == drop else value
                engine.execute(f"insert into marts.{table} values ($m, $v)", {"m": month, "v": value})  # noqa: S608 # nosec B608 # fixed test names
            Dataset.objects.create(namespace=settings.WAREHOUSE_NAMESPACE, name=f"warehouse.marts.{table}")
    return drop


def test_the_daily_task_reads_the_marts_and_flags_the_months_mrr_drop_once(marts):
    with time_machine.travel("2026-11-03 04:30Z", tick=False):
        assert detect_metric_anomalies.delay().get() == 1
        assert detect_metric_anomalies.delay().get() == 0  # idempotent

    anomaly = MetricAnomaly.objects.get()
    assert (anomaly.metric, anomaly.subject, anomaly.day) == ("mrr", "mart_revenue_monthly", marts)
    assert anomaly.score < -THRESHOLD and anomaly.value < anomaly.expected * 0.6
    # complete months only: November is still filling and is not recorded
    assert not MetricPoint.objects.filter(day__gte=date(2026, 11, 1)).exists()
    assert (
        MetricPoint.objects.filter(metric="tokens used", subject="mart_agent_monthly").count()
        == 130  # 2016-01 to 2026-10
    )


def test_a_mart_missing_from_the_warehouse_is_skipped(marts, settings):
    Dataset.objects.create(
        namespace=settings.WAREHOUSE_NAMESPACE, name="warehouse.marts.mart_agent_monthly_v2"
    )
    with get_engine(EngineConfig(duckdb_path=settings.WAREHOUSE_DUCKDB_PATH)) as engine:
        engine.execute("drop table marts.mart_agent_monthly")
    with time_machine.travel("2026-11-03 04:30Z", tick=False):
        detect_metric_anomalies.delay().get()
    assert not MetricPoint.objects.filter(metric="tokens used").exists()
    assert MetricPoint.objects.filter(metric="mrr").exists()


@pytest.mark.django_db
def test_null_ratios_come_from_the_not_null_checks_results_and_a_jump_is_flagged():
    dataset = Dataset.objects.create(namespace="duckdb://custodian", name="warehouse.curated.dim_user")
    check = QualityCheck.objects.create(
        dataset=dataset, check_type="not_null", column="email", params={"min_ratio": 0.9}
    )
    other = QualityCheck.objects.create(dataset=dataset, check_type="unique", column="user_key")
    series = daily_null_ratios(seed=4, days=120)
    day = max(series) + timedelta(days=1)
    for d, ratio in series.items():
        MetricPoint.objects.create(
            metric="null ratio", subject="warehouse.curated.dim_user.email", day=d, value=ratio
        )
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    CheckResult.objects.create(
        quality_check=check, status="pass", observed=0.99, ran_at=at - timedelta(hours=1)
    )
    CheckResult.objects.create(
        quality_check=check, status="pass", observed=0.91, ran_at=at
    )  # the last one counts
    CheckResult.objects.create(quality_check=other, status="pass", observed=0, ran_at=at)

    with time_machine.travel(f"{day.isoformat()} 04:30Z", tick=False):
        assert detect_metric_anomalies.delay().get() == 1

    point = MetricPoint.objects.get(day=day)
    assert (point.metric, point.subject, round(point.value, 4)) == (
        "null ratio",
        "warehouse.curated.dim_user.email",
        0.09,
    )
    assert MetricAnomaly.objects.get().day == day


def test_a_longer_lookback_judges_every_month_starting_in_it(marts):
    metric_points_record(day=date(2026, 11, 3))
    assert anomalies_detect(day=date(2027, 1, 3)) == []  # December is not in the mart
    (found,) = anomalies_detect(day=date(2027, 1, 3), lookback_days=120)
    assert (found.metric, found.day) == ("mrr", marts)
