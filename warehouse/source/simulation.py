"""One tenant's life, month by month: the business behaviour behind the change events.

Each tenant has its own random stream (seeded from the run seed and its id), so adding tenants
never changes the others and a re-run with the same arguments writes the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

TIERS = {"starter": (49_000, 6), "growth": (199_000, 15), "enterprise": (790_000, 35)}
SEGMENTS = ["smb", "mid_market", "enterprise"]
REGIONS = ["us", "eu", "apac"]
PRIORITY_SLA_HOURS = {"low": 72, "medium": 48, "high": 24, "urgent": 8}
FEATURES = ["scheduling", "mobile_app", "reports", "inventory", "ai_assistant"]
ROLES = ["technician", "dispatcher", "manager", "admin"]
ASSET_TYPES = ["pump", "hvac", "centrifuge", "freezer", "incubator"]
EPOCH = datetime(1970, 1, 1)
NEXT_TIER = {"starter": "growth", "growth": "enterprise"}
# A paying tenant's monthly odds, in the range a small B2B SaaS sees (about 2 % logo churn a month);
# one roll picks at most one change, in this order. A cancelled tenant comes back at REACTIVATION.
SUBSCRIPTION_CHANGES = (
    ("cancel", 0.02),
    ("upgrade", 0.01),  # a tier up multiplies the price about four times: rare
    ("expand", 0.05),
    ("contract", 0.04),
    ("move", 0.01),
)
REACTIVATION = 0.15


def month_start(base: datetime, offset: int) -> datetime:
    y, m = divmod(base.month - 1 + offset, 12)
    return base.replace(year=base.year + y, month=m + 1, day=1)


@dataclass
class Emitter:
    """Collects rows per table with CDC columns filled in."""

    rows: dict[str, list[dict]] = field(default_factory=dict)

    def emit(self, table: str, at: datetime, row: dict, op: str = "c") -> None:
        # Times are naive UTC; the log position is the change time in microseconds.
        row.update(_op=op, _changed_at=at, _lsn=int((at - EPOCH).total_seconds() * 1_000_000))
        self.rows.setdefault(table, []).append(row)


@dataclass
class TenantSim:
    tenant_id: int
    seed: int
    start: datetime
    signup_month: int
    rng: random.Random = field(init=False)
    tier: str = "starter"
    region: str = "us"
    icp_segment: str = ""
    users: list[int] = field(default_factory=list)
    assets: list[int] = field(default_factory=list)
    price_cents: int = 0
    interval: str = "month"
    discount: int = 0
    active: bool = False
    counter: int = 0
    subscription_id: int = 0

    def __post_init__(self):
        self.rng = random.Random(f"{self.seed}:{self.tenant_id}")  # noqa: S311 # nosec B311 # reproducible demo data
        self.tier = self.rng.choices(list(TIERS), weights=[5, 3, 1])[0]
        self.region = self.rng.choice(REGIONS)

    def next_id(self) -> int:
        self.counter += 1
        return self.tenant_id * 100_000_000 + self.counter

    def at(self, month: datetime, day_from: float = 0, day_to: float = 28) -> datetime:
        seconds = self.rng.uniform(day_from * 86400, day_to * 86400)
        return month + timedelta(seconds=int(seconds))

    # --- a month ------------------------------------------------------------------------------
    def step(self, offset: int, out: Emitter) -> None:
        if offset < self.signup_month:
            return
        month = month_start(self.start, offset)
        if offset == self.signup_month:
            self.sign_up(month, out)
        else:
            self.change_subscription(month, out)
        if not self.active:
            return
        self.invoice(month, out)
        self.work(month, out)
        self.usage(month, out)
        self.activity(month, out, offset)
        self.support(month, out)

    def sign_up(self, month: datetime, out: Emitter) -> None:
        at = self.at(month, 0, 3)
        self.icp_segment = self.rng.choice(SEGMENTS)  # the customer's profile: kept for life
        out.emit("tenants", at, {
            "tenant_id": self.tenant_id, "name": f"Tenant {self.tenant_id:05d}", "tier": self.tier,
            "icp_segment": self.icp_segment, "region": self.region, "created_at": at,
        })  # fmt: skip
        self.subscription_id = self.next_id()
        self.interval = self.rng.choices(["month", "year"], weights=[4, 1])[0]
        self.discount = self.rng.choice([0, 0, 10, 20])
        self.price_cents = TIERS[self.tier][0]
        self.subscription(at, out, "c")
        self.invoice_row(at, out, "setup", at.date(), at.date(), 150_000)
        for _ in range(self.rng.randint(3, 9)):
            self.add_user(at + timedelta(hours=1), out)
        for _ in range(self.rng.randint(3, 12)):
            self.add_asset(at + timedelta(hours=2), out)

    def subscription(self, at: datetime, out: Emitter, op: str) -> None:
        self.active = op != "u-cancel"
        out.emit("subscriptions", at, {
            "subscription_id": self.subscription_id, "tenant_id": self.tenant_id, "plan": self.tier,
            "price_cents": self.price_cents * (12 if self.interval == "year" else 1),
            "billing_interval": self.interval, "discount_pct": self.discount,
            "status": "active" if self.active else "cancelled", "started_at": at,
        }, op[0])  # fmt: skip

    def change_subscription(self, month: datetime, out: Emitter) -> None:
        roll = self.rng.random()
        at = self.at(month, 1, 27)
        if not self.active:
            if roll < REACTIVATION:
                self.subscription(at, out, "u")
            return
        change = _pick(roll, SUBSCRIPTION_CHANGES)
        if change == "upgrade" and self.tier not in NEXT_TIER:
            change = "expand"  # the top tier grows by seats
        if change == "cancel":
            self.subscription(at, out, "u-cancel")
        elif change == "upgrade":
            self.tier = NEXT_TIER[self.tier]
            self.price_cents = TIERS[self.tier][0]
            self.tenant_update(at, out)
            self.subscription(at, out, "u")
        elif change == "expand":
            self.price_cents = int(self.price_cents * self.rng.choice([1.2, 1.5]))  # seats added
            self.subscription(at, out, "u")
        elif change == "contract":
            self.price_cents = int(self.price_cents * 0.8)  # seats removed
            self.subscription(at, out, "u")
        elif change == "move":
            self.region = self.rng.choice([r for r in REGIONS if r != self.region])
            self.tenant_update(at, out)

    def tenant_update(self, at: datetime, out: Emitter) -> None:
        out.emit("tenants", at, {
            "tenant_id": self.tenant_id, "name": f"Tenant {self.tenant_id:05d}", "tier": self.tier,
            "icp_segment": self.icp_segment, "region": self.region,
            "created_at": month_start(self.start, self.signup_month),
        }, "u")  # fmt: skip

    def invoice(self, month: datetime, out: Emitter) -> None:
        if self.interval == "year" and (month.month - self.start.month) % 12 != self.signup_month % 12:
            return
        months = 12 if self.interval == "year" else 1
        end = month_start(month, months) - timedelta(days=1)
        amount = self.price_cents * months * (100 - self.discount) // 100
        self.invoice_row(month + timedelta(hours=6), out, "subscription", month.date(), end.date(), amount)

    def invoice_row(self, at, out, kind, start, end, amount) -> None:
        out.emit("invoices", at, {
            "invoice_id": self.next_id(), "tenant_id": self.tenant_id,
            "subscription_id": self.subscription_id, "kind": kind, "period_start": start,
            "period_end": end, "amount_cents": amount, "issued_at": at,
        })  # fmt: skip

    def add_user(self, at: datetime, out: Emitter, locale: bool = False) -> None:
        user_id = self.next_id()
        self.users.append(user_id)
        row = {
            "user_id": user_id, "tenant_id": self.tenant_id,
            "email": f"user{user_id}@t{self.tenant_id}.example",
            "full_name": f"User {user_id}", "role": self.rng.choice(ROLES), "created_at": at,
        }  # fmt: skip
        if locale:
            row["locale"] = self.rng.choice(["en-US", "de-DE", "ja-JP"])
        out.emit("users", at, row)

    def add_asset(self, at: datetime, out: Emitter) -> None:
        asset_id = self.next_id()
        self.assets.append(asset_id)
        out.emit("assets", at, {
            "asset_id": asset_id, "tenant_id": self.tenant_id, "asset_type": self.rng.choice(ASSET_TYPES),
            "site": f"site-{self.rng.randint(1, 4)}", "serial_number": f"SN{asset_id}", "created_at": at,
        })  # fmt: skip

    def work(self, month: datetime, out: Emitter) -> None:
        for _ in range(max(1, int(TIERS[self.tier][1] * self.rng.uniform(0.6, 1.4)))):
            self.work_order(self.at(month), out)

    def work_order(self, created: datetime, out: Emitter) -> None:
        wo, asset = self.next_id(), self.rng.choice(self.assets)
        priority = self.rng.choices(list(PRIORITY_SLA_HOURS), weights=[3, 4, 2, 1])[0]
        due = created + timedelta(hours=PRIORITY_SLA_HOURS[priority])
        t, steps = created, ["created", "assigned", "started"]
        if self.rng.random() < 0.15:
            steps += ["on_hold", "started"]
        steps.append("cancelled" if self.rng.random() < 0.05 else "completed")
        for step in steps:
            t = t if step == "created" else t + timedelta(minutes=self.rng.randint(10, 60 * 12))
            out.emit("work_order_events", t, {
                "event_id": self.next_id(), "work_order_id": wo, "tenant_id": self.tenant_id,
                "asset_id": asset, "user_id": self.rng.choice(self.users), "event_type": step,
                "priority": priority, "sla_due_at": due, "occurred_at": t,
            })  # fmt: skip
        if self.rng.random() < 0.4:
            tokens = self.rng.randint(500, 40_000)
            out.emit("agent_runs", created + timedelta(minutes=5), {
                "run_id": self.next_id(), "tenant_id": self.tenant_id, "work_order_id": wo,
                "mode": self.rng.choices(["autonomous", "human_assisted"], weights=[3, 2])[0],
                "tokens_used": tokens, "token_cost_cents": tokens // 500 + 1,
                "outcome": self.rng.choices(["succeeded", "failed"], weights=[9, 1])[0],
                "started_at": created + timedelta(minutes=5),
            })  # fmt: skip

    def usage(self, month: datetime, out: Emitter) -> None:
        for day in range(28):
            at = month + timedelta(days=day, hours=23)
            calls = self.rng.randint(100, 5000) * (1 + len(self.users) // 5)
            out.emit("usage_events", at, {
                "event_id": self.next_id(), "tenant_id": self.tenant_id, "metric": "api_calls",
                "quantity": calls, "cost_cents": calls // 4, "occurred_at": at,  # a quarter cent a call
            })  # fmt: skip

    def activity(self, month: datetime, out: Emitter, offset: int) -> None:
        if self.rng.random() < 0.3:
            self.add_user(self.at(month), out, locale=offset >= 2)
        for user in self.users:
            for day in range(0, 28, 2):
                if self.rng.random() < 0.35:
                    continue
                at = month + timedelta(days=day, hours=self.rng.randint(7, 18))
                out.emit("user_activity", at, {"event_id": self.next_id(), "tenant_id": self.tenant_id,
                    "user_id": user, "activity": "login", "feature": None, "occurred_at": at})  # fmt: skip
                feature = self.rng.choices(FEATURES, weights=[8, 5, 4, 2, 1 + (self.tier != "starter")])[0]
                out.emit("user_activity", at + timedelta(minutes=3), {"event_id": self.next_id(),
                    "tenant_id": self.tenant_id, "user_id": user, "activity": "feature_use",
                    "feature": feature, "occurred_at": at + timedelta(minutes=3)})  # fmt: skip

    def support(self, month: datetime, out: Emitter) -> None:
        for _ in range(self.rng.randint(0, 3)):
            opened = self.at(month)
            ticket = {
                "ticket_id": self.next_id(), "tenant_id": self.tenant_id,
                "user_id": self.rng.choice(self.users),
                "priority": self.rng.choice(["low", "normal", "high"]), "status": "open",
                "opened_at": opened, "resolved_at": None,
            }  # fmt: skip
            out.emit("support_tickets", opened, dict(ticket))
            resolved = opened + timedelta(hours=self.rng.randint(1, 120))
            out.emit(
                "support_tickets", resolved, {**ticket, "status": "resolved", "resolved_at": resolved}, "u"
            )


def _pick(roll: float, odds: tuple[tuple[str, float], ...]) -> str | None:
    """The change whose slice of [0, 1) the roll falls in; None past the last (nothing changes)."""
    for name, chance in odds:
        if roll < chance:
            return name
        roll -= chance
    return None
