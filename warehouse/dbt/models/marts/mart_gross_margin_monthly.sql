-- Gross margin: recognised revenue (subscription invoices spread evenly over their period,
-- setup fees in the month issued) against the cost to serve (metered usage and AI tokens).
with months as (select distinct month_start from {{ ref('dim_time') }}),
revenue as (
    select m.month_start,
        sum(b.amount / ({{ months_between('b.period_start', 'b.period_end') }} + 1)) as revenue
    from months m
    join {{ ref('fact_billing_event') }} b
        on b.event_type = 'invoice_subscription'
        and m.month_start between {{ month_of('b.period_start') }} and {{ month_of('b.period_end') }}
    group by m.month_start
    union all
    select {{ month_of('occurred_at') }}, sum(amount)
    from {{ ref('fact_billing_event') }} where event_type = 'invoice_setup'
    group by 1
),
costs as (
    select {{ month_of('occurred_at') }} as month_start, sum(cost) as cost
    from {{ ref('fact_usage_event') }} where event_kind = 'metered' group by 1
    union all
    select {{ month_of('started_at') }}, sum(token_cost) from {{ ref('fact_agent_run') }} group by 1
),
totals as (
    select m.month_start,
        coalesce((select sum(r.revenue) from revenue r where r.month_start = m.month_start), 0) as revenue,
        coalesce((select sum(c.cost) from costs c where c.month_start = m.month_start), 0) as cost_of_revenue
    from months m
)
select month_start, revenue, cost_of_revenue, revenue - cost_of_revenue as gross_profit,
    {{ safe_ratio('revenue - cost_of_revenue', 'revenue') }} as gross_margin
from totals
