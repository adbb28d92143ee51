-- AI agent runs on work orders: autonomous or human-assisted, with tokens used.
{{ config(materialized='incremental', unique_key='run_id', incremental_strategy=incremental_strategy()) }}
select
    cast(run_id as bigint) as run_id,
    cast(tenant_id as bigint) as tenant_id,
    cast(work_order_id as bigint) as work_order_id,
    mode,
    cast(tokens_used as bigint) as tokens_used,
    {{ money('token_cost_cents') }} as token_cost,
    outcome,
    started_at,
    date as partition_date
from ({{ dedup_events('agent_runs', 'run_id') }}) as e
