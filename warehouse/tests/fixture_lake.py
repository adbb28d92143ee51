"""A small raw lake whose metrics are computed by hand in the tests (see test_marts.py)."""

from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from warehouse.lake import Lake
from warehouse.source import RAW_SCHEMAS

EPOCH = datetime(1970, 1, 1)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def write(lake: Lake, table: str, rows: list[dict], batch: str = "fixture") -> None:
    for row in rows:
        row.setdefault("_op", "c")
        row["_lsn"] = int((row["_changed_at"] - EPOCH).total_seconds() * 1_000_000)
    data = pa.Table.from_pylist(rows, schema=RAW_SCHEMAS[table])
    data = data.append_column("date", pc.strftime(data["_changed_at"], "%Y-%m-%d"))
    lake.write("raw", table, data, batch=batch)


def sub(tenant, at, price_cents, status="active", interval="month", discount=0, op="u"):
    return {"_changed_at": ts(at), "_op": op, "subscription_id": tenant * 10, "tenant_id": tenant,
            "plan": "growth", "price_cents": price_cents, "billing_interval": interval,
            "discount_pct": discount, "status": status, "started_at": ts(at)}  # fmt: skip


def wo(event_id, order, tenant, kind, at, priority, due, asset=11):
    return {"_changed_at": ts(at), "event_id": event_id, "work_order_id": order, "tenant_id": tenant,
            "asset_id": asset, "user_id": 101, "event_type": kind, "priority": priority,
            "sla_due_at": ts(due), "occurred_at": ts(at)}  # fmt: skip


def tenant(tenant_id, at, tier="starter", region="us", op="c", icp_segment="smb"):
    return {"_changed_at": ts(at), "_op": op, "tenant_id": tenant_id, "name": f"T{tenant_id}", "tier": tier,
            "icp_segment": icp_segment, "region": region, "created_at": ts("2025-01-01")}  # fmt: skip


# Segments: T1-T3 starter/smb/us, T4 growth/mid_market/eu; T1 moves to enterprise on 10 March.
TENANTS = [tenant(i, "2025-01-01T00:00") for i in (1, 2, 3)] + [
    tenant(4, "2025-01-01T00:00", tier="growth", region="eu", icp_segment="mid_market")
]
TIER_CHANGE = tenant(1, "2025-03-10T00:00", tier="enterprise", op="u")
TIER_CHANGE_BATCH = "tier-change"


SUBSCRIPTIONS = [
    sub(1, "2025-01-05", 10_000, op="c"), sub(1, "2025-03-10", 15_000),          # new 100, +50 in Mar
    sub(2, "2025-01-03", 240_000, interval="year", discount=10, op="c"),          # 2400*0.9/12 = 180
    sub(2, "2025-04-02", 240_000, status="cancelled", interval="year", discount=10),  # churn in Apr
    sub(3, "2025-02-07", 5_000, op="c"),                                         # new in Feb
    sub(3, "2025-03-15", 5_000, status="cancelled"),                              # churn in Mar
    sub(3, "2025-05-20", 8_000),                                                  # reactivation in May: 80
    sub(4, "2025-01-10", 30_000, op="c"), sub(4, "2025-02-12", 25_000),          # 300, -50 in Feb
]  # fmt: skip

WORK_ORDERS = [
    # A: high (24 h), done in 12 h -> met in Jan; cycle 10 h
    wo(1, 100, 1, "created", "2025-01-02T08:00", "high", "2025-01-03T08:00"),
    wo(2, 100, 1, "started", "2025-01-02T10:00", "high", "2025-01-03T08:00"),
    wo(3, 100, 1, "completed", "2025-01-02T20:00", "high", "2025-01-03T08:00"),
    # B: urgent (8 h), done after 25 h -> breached, counted in Jan (due month); cycle 24 h
    wo(4, 101, 1, "created", "2025-01-10T08:00", "urgent", "2025-01-10T16:00"),
    wo(5, 101, 1, "started", "2025-01-10T09:00", "urgent", "2025-01-10T16:00"),
    wo(6, 101, 1, "completed", "2025-01-11T09:00", "urgent", "2025-01-10T16:00"),
    # C: low (72 h), done on Feb 1 -> met, counted in Feb (completion month)
    wo(7, 102, 2, "created", "2025-01-30T00:00", "low", "2025-02-02T00:00", asset=12),
    wo(8, 102, 2, "started", "2025-01-31T00:00", "low", "2025-02-02T00:00", asset=12),
    wo(9, 102, 2, "completed", "2025-02-01T00:00", "low", "2025-02-02T00:00", asset=12),
    # F: cancelled -> not in the SLA population
    wo(10, 103, 2, "created", "2025-02-10T00:00", "high", "2025-02-11T00:00"),
    wo(11, 103, 2, "cancelled", "2025-02-10T05:00", "high", "2025-02-11T00:00"),
    # D: still open, due May 3 -> breached (open) in May
    wo(12, 104, 4, "created", "2025-05-01T00:00", "medium", "2025-05-03T00:00"),
    wo(13, 104, 4, "started", "2025-05-01T06:00", "medium", "2025-05-03T00:00"),
    # E: open but not yet due at "now" (May 30 12:00, the latest event) -> not counted
    wo(14, 105, 4, "created", "2025-05-30T06:00", "urgent", "2025-05-30T14:00"),
    wo(15, 105, 4, "assigned", "2025-05-30T12:00", "urgent", "2025-05-30T14:00"),
    # G: low, due Mar 31, done Apr 2 -> breached, counted in Mar; completed in Q2; cycle 120 h, lead 122 h
    wo(17, 106, 1, "created", "2025-03-28T08:00", "low", "2025-03-31T08:00"),
    wo(18, 106, 1, "started", "2025-03-28T10:00", "low", "2025-03-31T08:00"),
    wo(19, 106, 1, "completed", "2025-04-02T10:00", "low", "2025-03-31T08:00"),
]


def ticket(ticket_id, tenant_id, opened, resolved=None):
    return {
        "_changed_at": ts(resolved or opened),
        "ticket_id": ticket_id,
        "tenant_id": tenant_id,
        "user_id": 101,
        "priority": "low",
        "status": "resolved" if resolved else "open",
        "opened_at": ts(opened),
        "resolved_at": ts(resolved) if resolved else None,
    }


TICKETS = [
    ticket(1, 1, "2025-01-02T00:00"),  # still open
    ticket(2, 1, "2025-02-10T00:00", "2025-02-10T06:00"),  # 6 h
    ticket(3, 4, "2025-03-31T20:00", "2025-04-01T08:00"),  # 12 h, opened in Q1, resolved in Q2
    ticket(4, 1, "2025-04-15T00:00", "2025-04-17T00:00"),  # 48 h
]


def agent_run(run_id, tenant_id, at, mode, tokens, cost_cents):
    return {
        "_changed_at": ts(at),
        "run_id": run_id,
        "tenant_id": tenant_id,
        "work_order_id": 100,
        "mode": mode,
        "tokens_used": tokens,
        "token_cost_cents": cost_cents,
        "outcome": "succeeded",
        "started_at": ts(at),
    }


AGENT_RUNS = [
    agent_run(1, 1, "2025-01-02T00:00", "autonomous", 1000, 3),
    agent_run(2, 1, "2025-01-02T00:00", "autonomous", 1000, 3),
    agent_run(3, 1, "2025-01-02T00:00", "human_assisted", 1000, 3),
    agent_run(4, 4, "2025-03-05T00:00", "autonomous", 500, 2),
    agent_run(5, 1, "2025-04-20T00:00", "human_assisted", 2000, 5),
]


def write_fixture(lake: Lake, *, tier_change: bool = True) -> None:
    """The whole fixture; without `tier_change`, all but T1's move to enterprise (write_tier_change),
    so that a build in between records the tenants' first versions in the type 2 history."""
    write(lake, "tenants", [dict(t) for t in TENANTS])
    if tier_change:
        write_tier_change(lake)
    write(lake, "subscriptions", [dict(s) for s in SUBSCRIPTIONS])
    write(lake, "work_order_events", [dict(w) for w in WORK_ORDERS])
    at = ts("2025-01-02T00:00")
    write(
        lake,
        "users",
        [
            {
                "_changed_at": at,
                "user_id": 101,
                "tenant_id": 1,
                "email": "ann@example.com",
                "full_name": "Ann Example",
                "role": "technician",
                "created_at": at,
            }
        ],
    )
    write(
        lake,
        "assets",
        [
            {
                "_changed_at": at,
                "asset_id": a,
                "tenant_id": 1,
                "asset_type": "pump",
                "site": "s",
                "serial_number": f"SN{a}",
                "created_at": at,
            }
            for a in (11, 12)
        ],
    )
    write(
        lake,
        "invoices",
        [
            {
                "_changed_at": at,
                "invoice_id": 1,
                "tenant_id": 1,
                "subscription_id": 10,
                "kind": "subscription",
                "period_start": date(2025, 1, 1),
                "period_end": date(2025, 1, 31),
                "amount_cents": 10_000,
                "issued_at": at,
            }
        ],
    )
    write(
        lake,
        "usage_events",
        [
            {
                "_changed_at": at,
                "event_id": 1,
                "tenant_id": 1,
                "metric": "api_calls",
                "quantity": 400,
                "cost_cents": 1_000,
                "occurred_at": at,
            }
        ],
    )
    write(
        lake,
        "user_activity",
        [
            {
                "_changed_at": at,
                "event_id": 2,
                "tenant_id": 1,
                "user_id": 101,
                "activity": "login",
                "feature": None,
                "occurred_at": at,
            },
            {
                "_changed_at": at,
                "event_id": 3,
                "tenant_id": 1,
                "user_id": 101,
                "activity": "feature_use",
                "feature": "reports",
                "occurred_at": at,
            },
        ],
    )
    write(lake, "support_tickets", [dict(t) for t in TICKETS])
    write(lake, "agent_runs", [dict(r) for r in AGENT_RUNS])


def write_tier_change(lake: Lake) -> None:
    write(lake, "tenants", [dict(TIER_CHANGE)], batch=TIER_CHANGE_BATCH)
