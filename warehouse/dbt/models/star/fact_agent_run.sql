-- AI agent runs on work orders.
select run_id, tenant_id, work_order_id, mode, tokens_used, token_cost, outcome, started_at,
    cast(started_at as date) as date_day
from {{ ref('stg_agent_runs') }}
