"""The segment and tenant marts against values computed by hand from fixture_lake.py.

Segments (tier, ICP segment, region) of the dim_tenant version valid at each month end:
  T1 starter/smb/us until 10 March, then enterprise/smb/us (so enterprise from March on)
  T2, T3 starter/smb/us;  T4 growth/mid_market/eu
MRR by month (dollars, as in test_marts.py) and segment:
                 Jan  Feb  Mar  Apr  May
  T1             100  100  150  150  150   starter Jan-Feb, enterprise Mar-May (+50 expansion in Mar)
  T2             180  180  180    0    0   churn in Apr
  T3               0   50    0    0   80   new Feb, churn Mar, reactivation May
  T4             300  250  250  250  250   contraction in Feb
  starter        280  330  180    0   80
  enterprise       -    -  150  150  150   opens March with T1's February 100
  growth         300  250  250  250  250
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from warehouse.dbt_runner import run
from warehouse.tests.conftest import engine_for, make_target
from warehouse.tests.test_pipeline import copy_warehouse

JAN, FEB, MAR, APR, MAY = (date(2025, m, 1) for m in range(1, 6))
STARTER = ("starter", "smb", "us")
ENTERPRISE = ("enterprise", "smb", "us")
GROWTH = ("growth", "mid_market", "eu")


def rows(target, sql):
    with engine_for(target) as engine:
        return engine.query(sql).to_pylist()


def table(target, name):
    return rows(target, f"select * from marts.{name}")  # noqa: S608


def pick(row: dict, columns: str) -> tuple:
    return tuple(row[c] for c in columns.split())


def test_mrr_by_segment_follows_the_tier_valid_at_each_month_end(hand_built):
    target, _ = hand_built
    got = {
        (r["month_start"], (r["tier"], r["icp_segment"], r["region"])): r
        for r in table(target, "mart_mrr_segment_month")
    }
    columns = "opening_mrr new_mrr reactivation_mrr expansion_mrr contraction_mrr churned_mrr mrr customers"
    expected = {  # (month, segment): the columns above, then churned_customers
        (JAN, STARTER): (0, 280, 0, 0, 0, 0, 280, 2, 0),
        (JAN, GROWTH): (0, 300, 0, 0, 0, 0, 300, 1, 0),
        (FEB, STARTER): (280, 50, 0, 0, 0, 0, 330, 3, 0),
        (FEB, GROWTH): (300, 0, 0, 0, 50, 0, 250, 1, 0),
        # T1 moves to enterprise with its opening 100 and March's +50; T3 churns out of starter
        (MAR, ENTERPRISE): (100, 0, 0, 50, 0, 0, 150, 1, 0),
        (MAR, STARTER): (230, 0, 0, 0, 0, 50, 180, 1, 1),
        (MAR, GROWTH): (250, 0, 0, 0, 0, 0, 250, 1, 0),
        (APR, ENTERPRISE): (150, 0, 0, 0, 0, 0, 150, 1, 0),
        (APR, STARTER): (180, 0, 0, 0, 0, 180, 0, 0, 1),
        (APR, GROWTH): (250, 0, 0, 0, 0, 0, 250, 1, 0),
        (MAY, ENTERPRISE): (150, 0, 0, 0, 0, 0, 150, 1, 0),
        (MAY, STARTER): (0, 0, 80, 0, 0, 0, 80, 1, 0),
        (MAY, GROWTH): (250, 0, 0, 0, 0, 0, 250, 1, 0),
    }
    assert set(got) == set(expected)
    for key, values in expected.items():
        r = got[key]
        assert pick(r, columns + " churned_customers") == values, key
        assert r["opening_mrr"] + r["net_new_mrr"] == r["mrr"] and r["arr"] == 12 * r["mrr"], key


def test_mrr_segments_sum_to_the_monthly_revenue_mart(hand_built):
    target, _ = hand_built
    totals = {r["month_start"]: r for r in table(target, "mart_revenue_monthly")}
    columns = [
        "opening_mrr",
        "new_mrr",
        "reactivation_mrr",
        "expansion_mrr",
        "contraction_mrr",
        "churned_mrr",
        "net_new_mrr",
        "mrr",
        "arr",
        "customers",
        "churned_customers",
    ]
    sums = {}
    for r in table(target, "mart_mrr_segment_month"):
        month = sums.setdefault(r["month_start"], dict.fromkeys(columns, 0))
        for c in columns:
            month[c] += r[c]
    assert sums.keys() == totals.keys()
    for month, summed in sums.items():
        assert summed == {c: totals[month][c] for c in columns}, month


def test_retention_cohorts_keep_the_segment_of_the_cohort_month_end(hand_built):
    """Feb cohort, 1 month: T1 is still starter at the end of February (enterprise only in March).
    starter: T1 100->150, T2 180->180, T3 50->0: start 330, end 330, retained 100+180+0 = 280, 1 churned.
    growth: T4 250->250.
    Mar cohort, 1 month: enterprise T1 150->150; starter T2 180->0 (churned); growth T4 250->250."""
    target, _ = hand_built
    got = {
        (r["cohort_month"], r["window_months"], r["tier"]): r for r in table(target, "mart_retention_segment")
    }
    feb_starter = got[(FEB, 1, "starter")]
    assert feb_starter["measured_month"] == MAR
    assert (feb_starter["icp_segment"], feb_starter["region"]) == ("smb", "us")
    assert (feb_starter["cohort_customers"], feb_starter["churned_customers"]) == (3, 1)
    assert (feb_starter["start_mrr"], feb_starter["end_mrr"], feb_starter["retained_mrr"]) == (330, 330, 280)
    assert (FEB, 1, "enterprise") not in got
    feb_growth = got[(FEB, 1, "growth")]
    assert pick(feb_growth, "cohort_customers start_mrr retained_mrr") == (1, 250, 250)
    mar = {tier: got[(MAR, 1, tier)] for tier in ("enterprise", "starter", "growth")}
    assert [(r["start_mrr"], r["end_mrr"], r["churned_customers"]) for r in mar.values()] == [
        (150, 150, 0),
        (180, 0, 1),
        (250, 250, 0),
    ]
    # NRR / GRR / logo churn of the whole Feb cohort from the segment sums (regulatory ref §8.3)
    feb = [r for (cohort, window, _), r in got.items() if (cohort, window) == (FEB, 1)]
    start = sum(r["start_mrr"] for r in feb)
    assert float(sum(r["end_mrr"] for r in feb) / start) == pytest.approx(580 / 580)
    assert float(sum(r["retained_mrr"] for r in feb) / start) == pytest.approx(530 / 580)
    churned = sum(r["churned_customers"] for r in feb)
    assert churned / sum(r["cohort_customers"] for r in feb) == pytest.approx(1 / 4)


def test_retention_segments_sum_to_the_retention_mart(hand_built):
    target, _ = hand_built
    columns = ["cohort_customers", "churned_customers", "start_mrr", "end_mrr", "retained_mrr"]
    totals = {(r["cohort_month"], r["window_months"]): r for r in table(target, "mart_retention")}
    sums = {}
    for r in table(target, "mart_retention_segment"):
        cohort = sums.setdefault((r["cohort_month"], r["window_months"]), dict.fromkeys(columns, 0))
        for c in columns:
            cohort[c] += r[c]
    assert sums.keys() == totals.keys() and len(sums) > 5
    for key, summed in sums.items():
        assert summed == {c: totals[key][c] for c in columns}, key


def test_work_orders_per_tenant_month_count_as_the_monthly_mart(hand_built):
    """Orders: A, B (T1, Jan: met, breached); C (T2, created Jan, done Feb 1, met in Feb);
    F (T2, created Feb, cancelled); G (T1, created Mar 28, due Mar 31, done Apr 2: breached in Mar,
    throughput in Apr, T1 enterprise by then); D, E (T4, created May; D open past due)."""
    target, _ = hand_built
    got = {
        (r["month_start"], r["tenant_id"]): pick(r, "tier created throughput sla_met sla_breached sla_due")
        for r in table(target, "mart_work_orders_tenant_month")
    }
    assert got == {
        (JAN, 1): ("starter", 2, 2, 1, 1, 2),
        (JAN, 2): ("starter", 1, 0, 0, 0, 0),
        (FEB, 2): ("starter", 1, 1, 1, 0, 1),
        (MAR, 1): ("enterprise", 1, 0, 0, 1, 1),
        (APR, 1): ("enterprise", 0, 1, 0, 0, 0),
        (MAY, 4): ("growth", 2, 0, 0, 1, 1),
    }
    monthly = {r["month_start"]: r for r in table(target, "mart_work_orders_monthly")}
    for month, total in monthly.items():
        mine = [r for r in table(target, "mart_work_orders_tenant_month") if r["month_start"] == month]
        for c in ("created", "throughput", "sla_met", "sla_breached"):
            assert sum(r[c] for r in mine) == total[c], (month, c)


def test_one_cycle_row_per_completed_order_with_its_quarter(hand_built):
    target, _ = hand_built
    got = {r["work_order_id"]: r for r in table(target, "mart_work_order_cycle")}
    assert sorted(got) == [100, 101, 102, 106]  # cancelled and open orders have no cycle
    q1, q2, y2025 = date(2025, 1, 1), date(2025, 4, 1), date(2025, 1, 1)
    expected = {  # order: (tenant, tier, month, quarter, cycle h, lead h)
        100: (1, "starter", JAN, q1, 10, 12),
        101: (1, "starter", JAN, q1, 24, 25),
        102: (2, "starter", FEB, q1, 24, 48),
        106: (1, "enterprise", APR, q2, 120, 122),  # created in Q1, completed in Q2
    }
    for order, (tenant, tier, month, quarter, cycle, lead) in expected.items():
        r = got[order]
        assert pick(r, "tenant_id tier completed_month completed_quarter") == (tenant, tier, month, quarter)
        assert r["completed_year"] == y2025
        assert (r["cycle_hours"], r["lead_hours"]) == (pytest.approx(cycle), pytest.approx(lead))


def test_agent_runs_per_tenant_month(hand_built):
    """T1 Jan: 3 runs, 2 autonomous, 3 x 1000 tokens at 3 cents; T4 Mar: 1 autonomous, 500 tokens,
    2 cents; T1 Apr (enterprise): 1 assisted, 2000 tokens, 5 cents."""
    target, _ = hand_built
    got = {
        (r["month_start"], r["tenant_id"]): pick(r, "tier runs autonomous_runs tokens_used token_cost")
        for r in table(target, "mart_agent_tenant_month")
    }
    assert got == {
        (JAN, 1): ("starter", 3, 2, 3000, Decimal("0.09")),
        (MAR, 4): ("growth", 1, 1, 500, Decimal("0.02")),
        (APR, 1): ("enterprise", 1, 0, 2000, Decimal("0.05")),
    }


def test_support_tickets_per_tenant_month_and_resolution_rows(hand_built):
    """Tickets: 1 T1 opened Jan, open; 2 T1 Feb, 6 h; 3 T4 opened Mar 31 20:00, resolved Apr 1 08:00
    (12 h, counted in its opening month and quarter); 4 T1 Apr (enterprise), 48 h."""
    target, _ = hand_built
    per_month = {
        (r["month_start"], r["tenant_id"]): pick(r, "tier tickets_opened tickets_resolved")
        for r in table(target, "mart_support_tenant_month")
    }
    assert per_month == {
        (JAN, 1): ("starter", 1, 0),
        (FEB, 1): ("starter", 1, 1),
        (MAR, 4): ("growth", 1, 1),
        (APR, 1): ("enterprise", 1, 1),
    }
    resolved = {
        r["ticket_id"]: pick(r, "tenant_id tier opened_month opened_quarter opened_year resolution_hours")
        for r in table(target, "mart_support_resolution")
    }
    assert resolved == {
        2: (1, "starter", FEB, date(2025, 1, 1), date(2025, 1, 1), pytest.approx(6)),
        3: (4, "growth", MAR, date(2025, 1, 1), date(2025, 1, 1), pytest.approx(12)),
        4: (1, "enterprise", APR, date(2025, 4, 1), date(2025, 1, 1), pytest.approx(48)),
    }


def test_the_dbt_reconciliation_tests_fail_when_a_segment_row_is_off(hand_built, tmp_path):
    """One segment's closing MRR raised by 1: its month no longer sums to mart_revenue_monthly and
    the row no longer closes at opening + net new; the other marts' checks still pass."""
    source, _ = hand_built
    target = replace(make_target(tmp_path), lake_url=source.lake_url)
    copy_warehouse(source, target)
    with engine_for(target) as engine:
        engine.execute(
            "update marts.mart_mrr_segment_month set mrr = mrr + 1 "
            "where month_start = date '2025-03-01' and tier = 'enterprise'"
        )
    result = run(target, "test", select=["mart_mrr_segment_month", "mart_work_orders_tenant_month"])
    outcome = {n.unique_id.split(".")[2]: n.status for n in result.nodes}
    failed = sorted(name for name, status in outcome.items() if status == "fail")
    assert len(failed) == 2 and "segment_mrr_movements_reconcile" in failed
    assert "mart_mrr_segment_month_reconciles_to_revenue" in failed
    assert any(
        "mart_work_orders_tenant_month" in name and status == "pass" for name, status in outcome.items()
    )
