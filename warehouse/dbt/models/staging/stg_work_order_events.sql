-- Work-order lifecycle events (created, assigned, started, on_hold, completed, cancelled).
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy=incremental_strategy()) }}
select
    cast(event_id as bigint) as event_id,
    cast(work_order_id as bigint) as work_order_id,
    cast(tenant_id as bigint) as tenant_id,
    cast(asset_id as bigint) as asset_id,
    cast(user_id as bigint) as user_id,
    event_type,
    priority,
    sla_due_at,
    occurred_at,
    date as partition_date
from ({{ dedup_events('work_order_events', 'event_id') }}) as e
