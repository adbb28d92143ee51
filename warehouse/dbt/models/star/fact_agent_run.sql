-- AI agent runs on work orders. Incremental: only new partitions are read.
{{ config(materialized='incremental', unique_key='run_id', incremental_strategy=incremental_strategy()) }}
select run_id, tenant_id, work_order_id, mode, tokens_used, token_cost, outcome, started_at,
    cast(started_at as date) as date_day, partition_date
from {{ ref('stg_agent_runs') }}
{% if is_incremental() %}where partition_date >= {{ incremental_since('partition_date') }}{% endif %}
