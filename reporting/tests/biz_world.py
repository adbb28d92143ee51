"""A larger, generated variant of marts_world: the same marts and columns over many months, tiers,
ICP segments, regions and tenants, with MRR movements that reconcile month to month.

Used to show that the dashboards' query counts do not grow with rows, and to look at the pages
with realistic data:

    build_biz_world(path, months=24, end=date(2026, 12, 1))   # writes and catalogs every mart
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from reporting.tests.marts_world import MARTS, build_marts_world, d

TIERS = {"starter": 400, "professional": 1500, "enterprise": 6000}
SEGMENTS = ("pharma", "biotech", "medtech", "cro_cdmo")
REGIONS = ("na", "eu", "uk", "apac")
TENANTS = {1: "enterprise", 2: "professional", 3: "enterprise", 4: "starter", 5: "professional"}


def month_list(end: date, months: int) -> list[date]:
    first = end.year * 12 + end.month - months
    return [date((first + i) // 12, (first + i) % 12 + 1, 1) for i in range(months)]


def biz_world_marts(*, months: int = 24, end: date = date(2026, 12, 1), seed: int = 7) -> dict:
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    calendar = month_list(end, months)
    mrr_rows = [row for tier in TIERS for row in _segment_months(rng, calendar, tier)]
    return {
        "marts.mart_mrr_segment_month": mrr_rows,
        "marts.mart_retention_segment": _retention(rng, mrr_rows),
        "marts.mart_gross_margin_monthly": _margin(rng, mrr_rows, calendar),
        **_operations(rng, calendar),
    }


def _segment_months(rng, calendar, tier):
    rows = []
    for segment in SEGMENTS:
        for region in REGIONS:
            if rng.random() < 0.3:  # not every combination has customers
                continue
            mrr, customers, paid_before = 0, 0, False
            for month in calendar:
                moves = _movements(rng, mrr, TIERS[tier], paid_before)
                opening, mrr = (
                    mrr,
                    mrr + moves["new"] + moves["react"] + moves["exp"] - moves["contr"] - moves["churn"],
                )
                churned = 1 if moves["churn"] and customers else 0
                customers = max(customers + (1 if moves["new"] or moves["react"] else 0) - churned, 0)
                customers = customers if mrr else 0
                paid_before = paid_before or mrr > 0
                rows.append(_mrr_row(month, tier, segment, region, opening, moves, mrr, customers, churned))
    return rows


def _movements(rng, mrr, price, paid_before):
    moves = dict.fromkeys(("new", "react", "exp", "contr", "churn"), 0)
    if mrr == 0:
        if rng.random() < 0.35:
            moves["react" if paid_before else "new"] = price
        return moves
    roll = rng.random()
    if roll < 0.06:
        moves["churn"] = mrr
    elif roll < 0.3:
        moves["exp"] = rng.choice((1, 2, 3)) * price // 4
    elif roll < 0.4:
        moves["contr"] = min(mrr - 1, price // 4)
    if rng.random() < 0.2 and not moves["churn"]:
        moves["new"] = price
    return moves


def _mrr_row(month, tier, segment, region, opening, moves, mrr, customers, churned):
    net = moves["new"] + moves["react"] + moves["exp"] - moves["contr"] - moves["churn"]
    return {
        "month_start": month,
        "tier": tier,
        "icp_segment": segment,
        "region": region,
        "opening_mrr": d(opening),
        "new_mrr": d(moves["new"]),
        "reactivation_mrr": d(moves["react"]),
        "expansion_mrr": d(moves["exp"]),
        "contraction_mrr": d(moves["contr"]),
        "churned_mrr": d(moves["churn"]),
        "net_new_mrr": d(net),
        "mrr": d(mrr),
        "arr": d(12 * mrr),
        "customers": customers,
        "churned_customers": churned,
    }


def _retention(rng, mrr_rows):
    """12-month cohorts of each segment: what it paid a year before, and what of that is left."""
    by_key = {(r["month_start"], r["tier"], r["icp_segment"], r["region"]): r for r in mrr_rows}
    rows = []
    for month, tier, segment, region in by_key:
        cohort = date(month.year - 1, month.month, 1)
        before = by_key.get((cohort, tier, segment, region))
        if not before or not before["mrr"] or not before["customers"]:
            continue
        start, customers = before["mrr"], before["customers"]
        churned = sum(rng.random() < 0.12 for _ in range(customers))
        retained = d(start * Decimal(1 - churned / customers) * Decimal("0.97"))
        end = retained + d(start * Decimal(rng.choice((0, 0.05, 0.15, 0.3))))
        rows.append(
            {
                "cohort_month": cohort,
                "window_months": 12,
                "measured_month": month,
                "tier": tier,
                "icp_segment": segment,
                "region": region,
                "cohort_customers": customers,
                "churned_customers": churned,
                "start_mrr": start,
                "end_mrr": end,
                "retained_mrr": retained,
            }
        )
    return rows


def _margin(rng, mrr_rows, calendar):
    rows = []
    for month in calendar:
        revenue = sum(r["mrr"] for r in mrr_rows if r["month_start"] == month) + d(rng.randint(0, 3000))
        cost = d(revenue * Decimal(rng.uniform(0.22, 0.34)))
        margin = float((revenue - cost) / revenue) if revenue else None
        rows.append(
            {
                "month_start": month,
                "revenue": revenue,
                "cost_of_revenue": cost,
                "gross_profit": revenue - cost,
                "gross_margin": margin,
            }
        )
    return rows


def _operations(rng, calendar):
    orders, cycles, agents, support, resolution = [], [], [], [], []
    for month in calendar:
        quarter, year = date(month.year, 3 * ((month.month - 1) // 3) + 1, 1), date(month.year, 1, 1)
        for tenant, tier in TENANTS.items():
            size = {"starter": 1, "professional": 3, "enterprise": 8}[tier]
            created, done = rng.randint(5, 12) * size, rng.randint(4, 11) * size
            met = int(done * rng.uniform(0.8, 0.98))
            orders.append(
                {
                    "month_start": month,
                    "tenant_id": tenant,
                    "tier": tier,
                    "created": created,
                    "throughput": done,
                    "sla_met": met,
                    "sla_breached": done - met,
                    "sla_due": done,
                }
            )
            for _ in range(4):
                hours = round(rng.lognormvariate(2.5, 0.6), 1)
                cycles.append(
                    {
                        "work_order_id": len(cycles) + 1,
                        "tenant_id": tenant,
                        "tier": tier,
                        "completed_month": month,
                        "completed_quarter": quarter,
                        "completed_year": year,
                        "cycle_hours": hours,
                        "lead_hours": hours + 2.0,
                    }
                )
                resolution.append(
                    {
                        "ticket_id": len(resolution) + 1,
                        "tenant_id": tenant,
                        "tier": tier,
                        "opened_month": month,
                        "opened_quarter": quarter,
                        "opened_year": year,
                        "resolution_hours": round(rng.uniform(1, 40), 1),
                    }
                )
            runs = rng.randint(20, 60) * size
            tokens = runs * rng.randint(6000, 12000)
            agents.append(
                {
                    "month_start": month,
                    "tenant_id": tenant,
                    "tier": tier,
                    "runs": runs,
                    "autonomous_runs": int(runs * rng.uniform(0.5, 0.9)),
                    "tokens_used": tokens,
                    "token_cost": d(tokens / 100000),
                }
            )
            opened = rng.randint(1, 6) * size
            support.append(
                {
                    "month_start": month,
                    "tenant_id": tenant,
                    "tier": tier,
                    "tickets_opened": opened,
                    "tickets_resolved": max(opened - rng.randint(0, 2), 0),
                }
            )
    return {
        "marts.mart_work_orders_tenant_month": orders,
        "marts.mart_work_order_cycle": cycles,
        "marts.mart_agent_tenant_month": agents,
        "marts.mart_support_tenant_month": support,
        "marts.mart_support_resolution": resolution,
    }


def write_marts(path, marts: dict, *, catalog: bool) -> None:
    """Write `marts` into the DuckDB file; with `catalog`, list them in the catalog at L2 as
    marts_world does (without, the catalog entries of an earlier build are kept)."""
    assert set(marts) == set(MARTS), "the generated world covers exactly marts_world's tables"
    build_marts_world(path, marts, catalog=catalog)


def build_biz_world(path, *, months: int = 24, end: date = date(2026, 12, 1), catalog: bool = True) -> None:
    write_marts(path, biz_world_marts(months=months, end=end), catalog=catalog)
