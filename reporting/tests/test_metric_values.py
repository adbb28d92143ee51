"""Metric values, changes, KPI tiles and breakdowns against the hand-computed marts_world.py."""

from datetime import date

import pyarrow as pa
import pytest

from reporting.periods import breakdown_table, metric_kpi, mom, qoq, yoy
from reporting.series import metric_series
from reporting.tests.marts_world import APR, FEB, JAN, MAR, Q1, Q2, _mrr_row
from warehouse.engine import EngineConfig, get_engine

APR_2025 = date(2025, 4, 1)


@pytest.fixture
def year_before(marts_world):
    """One enterprise month a year before April 2026: MRR 725, so ARR 8,700."""
    engine = get_engine(EngineConfig(backend="duckdb", duckdb_path=str(marts_world)))
    try:
        engine.write_arrow(
            "marts.mart_mrr_segment_month",
            pa.Table.from_pylist([_mrr_row(APR_2025, "enterprise", 725)]),
            replace=False,
        )
    finally:
        engine.close()
    return marts_world


def total(user, metric, grain="month"):
    return {p.period: p.value for p in metric_series(user=user, metric=metric, grain=grain).points}


def test_flows_sum_over_the_quarter_and_stocks_take_its_last_month(marts_world, executive):
    assert total(executive, "work_orders_completed", "quarter") == {Q1: 26, Q2: 9}
    assert total(executive, "customers", "quarter") == {Q1: 2, Q2: 3}
    assert total(executive, "churned_mrr", "quarter")[Q1] == 100
    assert total(executive, "reactivation_mrr", "quarter")[Q2] == 50


def test_the_mrr_movements_reconcile_opening_to_closing_in_a_quarter(marts_world, executive):
    names = (
        "opening_mrr",
        "new_mrr",
        "reactivation_mrr",
        "expansion_mrr",
        "contraction_mrr",
        "churned_mrr",
        "mrr",
    )
    q = {name: total(executive, name, "quarter")[Q1] for name in names}
    moved = (
        q["new_mrr"] + q["reactivation_mrr"] + q["expansion_mrr"] - q["contraction_mrr"] - q["churned_mrr"]
    )
    assert q["opening_mrr"] + moved == q["mrr"] == 1500


def test_ratios_per_quarter_are_ratios_of_the_summed_parts(marts_world, executive):
    assert total(executive, "sla_compliance", "quarter")[Q1] == pytest.approx(
        (7 + 2 + 10 + 3) / (8 + 4 + 11 + 3)
    )
    assert total(executive, "agent_autonomy_rate")[JAN] == pytest.approx((30 + 2) / (40 + 10))
    assert total(executive, "logo_churn")[MAR] == pytest.approx(4 / 6)


def test_month_and_quarter_changes(marts_world, executive):
    mrr = metric_series(user=executive, metric="mrr")
    assert mom(mrr, FEB).relative == pytest.approx(1600 / 1100 - 1)
    assert mom(mrr, JAN).relative is None  # nothing the month before
    arr = metric_series(user=executive, metric="arr", grain="quarter")
    assert qoq(arr, Q2).relative == pytest.approx(17400 / 18000 - 1)
    assert qoq(arr, Q2).difference == -600


def test_year_on_year_is_the_value_over_the_value_twelve_months_before_minus_one(year_before, executive):
    arr = metric_series(user=executive, metric="arr")
    assert yoy(arr, APR).previous == 8700
    assert yoy(arr, APR).relative == pytest.approx(17400 / 8700 - 1)
    quarterly = metric_series(user=executive, metric="arr", grain="quarter")
    assert yoy(quarterly, Q2).relative == pytest.approx(1.0)


def test_a_kpi_tile_shows_the_latest_value_with_its_changes(year_before, executive):
    tile = metric_kpi(user=executive, metric="arr", end=APR)
    assert (tile.period, tile.value) == (APR, 17400)
    assert tile.previous.relative == pytest.approx(17400 / 18000 - 1)
    assert tile.year_on_year.relative == pytest.approx(1.0)
    empty = metric_kpi(user=executive, metric="arr", end=date(2024, 6, 30))
    assert empty.period is None and empty.value is None


def test_a_breakdown_of_a_sum_totals_to_the_sum_with_shares(marts_world, executive):
    table = breakdown_table(user=executive, metric="mrr", dimension="tier", period=APR)
    rows = [(r.segment, r.value, r.is_total) for r in table.rows]
    assert rows == [
        ("enterprise", 1100, False),
        ("growth", 300, False),
        ("starter", 50, False),
        (None, 1450, True),
    ]
    assert table.rows[0].share == pytest.approx(1100 / 1450)
    assert table.rows[-1].value == sum(r.value for r in table.rows[:-1])


def test_a_breakdown_of_a_ratio_totals_to_the_ratio_of_sums_not_the_mean(marts_world, executive):
    table = breakdown_table(user=executive, metric="nrr", dimension="tier", period=APR)
    by_tier = {r.segment: r.value for r in table.rows}
    assert by_tier["enterprise"] == pytest.approx(1100 / 1000)
    assert by_tier["starter"] == pytest.approx(100 / 400)
    assert by_tier[None] == pytest.approx(1200 / 1400)
    assert all(r.share is None for r in table.rows)


def test_a_quarter_breakdown_and_the_latest_period_by_default(marts_world, executive):
    quarter = breakdown_table(
        user=executive, metric="sla_compliance", dimension="tier", grain="quarter", period=Q1
    )
    assert {r.segment: r.value for r in quarter.rows} == pytest.approx(
        {"enterprise": 17 / 19, "starter": 5 / 7, None: 22 / 26}
    )
    latest = breakdown_table(user=executive, metric="arr", dimension="region")
    assert latest.period == APR
    empty = breakdown_table(user=executive, metric="arr", dimension="region", period=date(2024, 1, 1))
    assert empty.rows == ()
