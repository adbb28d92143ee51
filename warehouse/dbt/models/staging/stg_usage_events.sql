-- Metered usage (API calls) with its cost to serve.
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy=incremental_strategy()) }}
select
    cast(event_id as bigint) as event_id,
    cast(tenant_id as bigint) as tenant_id,
    metric,
    cast(quantity as bigint) as quantity,
    {{ money('cost_cents') }} as cost,
    occurred_at,
    date as partition_date
from ({{ dedup_events('usage_events', 'event_id') }}) as e
