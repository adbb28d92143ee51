"""metric_series through the governed path, against the hand-computed values of marts_world.py."""

from decimal import Decimal

import pytest

from reporting.series import MetricQueryError, metric_series
from reporting.tests.marts_world import APR, FEB, JAN, MAR, Q1, Q2
from warehouse.reads.models import AccessLog


def values(series):
    return {(p.period, p.segment): p.value for p in series.points}


def test_arr_per_month_is_twelve_times_the_mrr_at_month_end(marts_world, executive):
    series = metric_series(user=executive, metric="arr")
    assert values(series) == {
        (JAN, None): Decimal("13200.00"),
        (FEB, None): Decimal("19200.00"),
        (MAR, None): Decimal("18000.00"),
        (APR, None): Decimal("17400.00"),
    }
    assert AccessLog.objects.filter(user=executive, outcome=AccessLog.Outcome.ALLOWED).count() == 1


def test_arr_per_quarter_is_the_value_at_the_quarter_end_and_flows_are_summed(marts_world, executive):
    assert values(metric_series(user=executive, metric="arr", grain="quarter")) == {
        (Q1, None): Decimal("18000.00"),
        (Q2, None): Decimal("17400.00"),
    }
    assert values(metric_series(user=executive, metric="new_mrr", grain="quarter")) == {
        (Q1, None): Decimal("1400.00"),
        (Q2, None): Decimal("0.00"),
    }
    assert values(metric_series(user=executive, metric="opening_mrr", grain="quarter"))[(Q1, None)] == 0


def test_segments_sum_to_the_total(marts_world, executive):
    by_tier = metric_series(user=executive, metric="mrr", dimension="tier")
    total = values(metric_series(user=executive, metric="mrr"))
    for month in (JAN, FEB, MAR, APR):
        assert sum(p.value for p in by_tier.points if p.period == month) == total[(month, None)]


def test_nrr_and_grr_are_ratios_of_sums_over_the_12_month_cohort(marts_world, executive):
    nrr = values(metric_series(user=executive, metric="nrr"))
    grr = values(metric_series(user=executive, metric="grr"))
    assert nrr[(MAR, None)] == pytest.approx(1200 / 1400)
    assert grr[(APR, None)] == pytest.approx((1000 + 100) / 1400)
    assert values(metric_series(user=executive, metric="logo_churn"))[(APR, None)] == pytest.approx(3 / 6)


def test_quantiles_are_read_at_their_grain(marts_world, executive):
    median = values(metric_series(user=executive, metric="cycle_time_median", grain="quarter"))
    assert median == {(Q1, None): 6.0, (Q2, None): 2.0}


def test_an_undeclared_dimension_is_refused_before_the_engine(marts_world, executive):
    with pytest.raises(MetricQueryError, match="cannot be broken down by 'tenant_id'"):
        metric_series(user=executive, metric="arr", dimension="tenant_id")
    assert not AccessLog.objects.exists()


def test_gross_margin_per_quarter_is_profit_over_revenue_of_the_quarter(marts_world, executive):
    margin = values(metric_series(user=executive, metric="gross_margin", grain="quarter"))
    assert margin[(Q1, None)] == pytest.approx((750 + 1200 + 1050) / 4000)
