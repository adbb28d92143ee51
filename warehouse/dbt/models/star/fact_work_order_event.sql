-- One row per work-order lifecycle event. Incremental: only new partitions are read.
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy=incremental_strategy()) }}
select
    event_id,
    work_order_id,
    tenant_id,
    asset_id,
    user_id,
    event_type,
    priority,
    sla_due_at,
    occurred_at,
    cast(occurred_at as date) as date_day,
    partition_date
from {{ ref('stg_work_order_events') }}
{% if is_incremental() %}where partition_date >= {{ incremental_since('partition_date') }}{% endif %}
