-- AI agent runs and token use per tenant and month, with the tenant's tier at the month end.
with tenant_months as (
    select tenant_id, {{ month_of('started_at') }} as month_start,
        count(*) as runs,
        cast(sum(case when mode = 'autonomous' then 1 else 0 end) as bigint) as autonomous_runs,
        sum(tokens_used) as tokens_used,
        sum(token_cost) as token_cost
    from {{ ref('fact_agent_run') }}
    group by 1, 2
),
segmented as (
    {{ with_segment_at_month_end('tenant_months', 'month_start', ['tenant_id', 'month_start']) }}
)
select month_start, tenant_id, tier, runs, autonomous_runs, tokens_used, token_cost
from segmented
