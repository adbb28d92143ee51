-- AI agents: runs, autonomy rate (runs with no human in the loop) and token use per month.
select {{ month_of('started_at') }} as month_start,
    count(*) as runs,
    cast(sum(case when mode = 'autonomous' then 1 else 0 end) as bigint) as autonomous_runs,
    {{ safe_ratio("sum(case when mode = 'autonomous' then 1 else 0 end)", 'count(*)') }} as autonomy_rate,
    sum(tokens_used) as tokens_used,
    sum(token_cost) as token_cost,
    {{ safe_ratio("sum(case when outcome = 'succeeded' then 1 else 0 end)", 'count(*)') }} as success_rate
from {{ ref('fact_agent_run') }}
group by 1
