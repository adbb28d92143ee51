"""The demo source tells a believable two-year story, so every dashboard has something to show:
churn, reactivation, expansion, contraction, a tier change, several ICP segments and regions, AI
agent runs and support tickets every month, and ARR in the low millions."""

from collections import defaultdict
from datetime import datetime
from itertools import pairwise

import pytest

from warehouse.demo import MONTHS, TENANTS
from warehouse.lake import Lake
from warehouse.source import generate
from warehouse.source.simulation import month_start

START = datetime(2025, 1, 1)


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory):
    """The demo's tenants and months, seed 1 (as `seed_warehouse`), from a fixed start."""
    lake = Lake(str(tmp_path_factory.mktemp("demo-lake")))
    generate(lake, tenants=TENANTS, months=MONTHS, seed=1, start=START)
    return {table: lake.read("raw", table).to_pylist() for table in lake.tables("raw")}


def subscription_histories(source) -> dict[int, list[dict]]:
    histories = defaultdict(list)
    for row in sorted(source["subscriptions"], key=lambda r: r["_changed_at"]):
        histories[row["tenant_id"]].append(row)
    return histories


def monthly_cents(row) -> float:
    per_month = row["price_cents"] / (12 if row["billing_interval"] == "year" else 1)
    return per_month * (100 - row["discount_pct"]) / 100 if row["status"] == "active" else 0


def test_subscriptions_churn_come_back_grow_shrink_and_change_tier(demo_source):
    moves = defaultdict(int)
    for history in subscription_histories(demo_source).values():
        for before, after in pairwise(history):
            if before["status"] == "active" and after["status"] == "cancelled":
                moves["churn"] += 1
            elif before["status"] == "cancelled" and after["status"] == "active":
                moves["reactivation"] += 1
            elif before["plan"] != after["plan"]:
                moves["tier change"] += 1
            elif after["price_cents"] > before["price_cents"]:
                moves["expansion"] += 1
            elif after["price_cents"] < before["price_cents"]:
                moves["contraction"] += 1
    assert {"churn", "reactivation", "tier change", "expansion", "contraction"} <= set(moves), moves
    assert moves["churn"] >= 3 and moves["reactivation"] >= 1, moves


def test_tenants_span_segments_and_regions_and_keep_their_segment(demo_source):
    segments = defaultdict(set)
    for row in demo_source["tenants"]:
        segments[row["tenant_id"]].add(row["icp_segment"])
    assert all(len(seen) == 1 for seen in segments.values()), "a tenant's ICP segment changed"
    assert len({row["icp_segment"] for row in demo_source["tenants"]}) >= 3
    assert len({row["region"] for row in demo_source["tenants"]}) >= 3


def test_agents_and_support_have_activity_in_every_month(demo_source):
    months = {month_start(START, offset) for offset in range(MONTHS)}
    for table, column in (("agent_runs", "started_at"), ("support_tickets", "opened_at")):
        seen = {
            row[column].replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            for row in demo_source[table]
        }
        assert months <= seen, table


def test_arr_grows_into_the_low_millions(demo_source):
    last_state = {tenant: history[-1] for tenant, history in subscription_histories(demo_source).items()}
    arr = 12 * sum(monthly_cents(row) for row in last_state.values()) / 100
    assert 1_000_000 <= arr <= 5_000_000, arr
