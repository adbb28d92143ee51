"""Arrow schemas of the raw change-event tables (what CDC and the generator both write)."""

import pyarrow as pa

TS = pa.timestamp("us")  # all times are UTC, stored without zone so DuckDB and BigQuery agree

_CDC = [("_op", pa.string()), ("_lsn", pa.int64()), ("_changed_at", TS)]


def _schema(*fields):
    return pa.schema([*_CDC, *fields])


RAW_SCHEMAS: dict[str, pa.Schema] = {
    "tenants": _schema(
        ("tenant_id", pa.int64()), ("name", pa.string()), ("tier", pa.string()),
        ("icp_segment", pa.string()), ("region", pa.string()), ("created_at", TS),
    ),
    "users": _schema(
        ("user_id", pa.int64()), ("tenant_id", pa.int64()), ("email", pa.string()),
        ("full_name", pa.string()), ("role", pa.string()), ("created_at", TS),
    ),
    "assets": _schema(
        ("asset_id", pa.int64()), ("tenant_id", pa.int64()), ("asset_type", pa.string()),
        ("site", pa.string()), ("serial_number", pa.string()), ("created_at", TS),
    ),
    "subscriptions": _schema(
        ("subscription_id", pa.int64()), ("tenant_id", pa.int64()), ("plan", pa.string()),
        ("price_cents", pa.int64()), ("billing_interval", pa.string()), ("discount_pct", pa.int32()),
        ("status", pa.string()), ("started_at", TS),
    ),
    "invoices": _schema(
        ("invoice_id", pa.int64()), ("tenant_id", pa.int64()), ("subscription_id", pa.int64()),
        ("kind", pa.string()), ("period_start", pa.date32()), ("period_end", pa.date32()),
        ("amount_cents", pa.int64()), ("issued_at", TS),
    ),
    "work_order_events": _schema(
        ("event_id", pa.int64()), ("work_order_id", pa.int64()), ("tenant_id", pa.int64()),
        ("asset_id", pa.int64()), ("user_id", pa.int64()), ("event_type", pa.string()),
        ("priority", pa.string()), ("sla_due_at", TS), ("occurred_at", TS),
    ),
    "usage_events": _schema(
        ("event_id", pa.int64()), ("tenant_id", pa.int64()), ("metric", pa.string()),
        ("quantity", pa.int64()), ("cost_cents", pa.int64()), ("occurred_at", TS),
    ),
    "user_activity": _schema(
        ("event_id", pa.int64()), ("tenant_id", pa.int64()), ("user_id", pa.int64()),
        ("activity", pa.string()), ("feature", pa.string()), ("occurred_at", TS),
    ),
    "support_tickets": _schema(
        ("ticket_id", pa.int64()), ("tenant_id", pa.int64()), ("user_id", pa.int64()),
        ("priority", pa.string()), ("status", pa.string()), ("opened_at", TS), ("resolved_at", TS),
    ),
    "agent_runs": _schema(
        ("run_id", pa.int64()), ("tenant_id", pa.int64()), ("work_order_id", pa.int64()),
        ("mode", pa.string()), ("tokens_used", pa.int64()), ("token_cost_cents", pa.int64()),
        ("outcome", pa.string()), ("started_at", TS),
    ),
}  # fmt: skip

# Schema evolution the cleansed layer must absorb: users gained a `locale` column later on.
USERS_V2 = RAW_SCHEMAS["users"].append(pa.field("locale", pa.string()))
