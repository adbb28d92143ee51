-- Work-order operations per month: throughput, cycle and lead time (median, P90), SLA compliance.
with months as (select distinct month_start from {{ ref('dim_time') }}),
orders as (select * from {{ ref('mart_work_order_status') }}),
completed as (
    select {{ month_of('completed_at') }} as month_start, cycle_hours, lead_hours,
        {{ percentile_over('cycle_hours', 0.5, month_of('completed_at')) }} as median_cycle_hours,
        {{ percentile_over('cycle_hours', 0.9, month_of('completed_at')) }} as p90_cycle_hours,
        {{ percentile_over('lead_hours', 0.5, month_of('completed_at')) }} as median_lead_hours
    from orders where completed_at is not null
),
done as (
    select month_start, count(*) as completed, max(median_cycle_hours) as median_cycle_hours,
        max(p90_cycle_hours) as p90_cycle_hours, max(median_lead_hours) as median_lead_hours
    from completed group by month_start
),
created as (
    select {{ month_of('created_at') }} as month_start, count(*) as created from orders group by 1
),
sla as (
    select sla_month as month_start,
        cast(sum(case when sla_outcome = 'met' then 1 else 0 end) as bigint) as sla_met,
        cast(sum(case when sla_outcome = 'breached' then 1 else 0 end) as bigint) as sla_breached_closed,
        cast(sum(case when sla_outcome = 'breached_open' then 1 else 0 end) as bigint) as sla_breached_open
    from orders where sla_month is not null group by 1
)
select
    m.month_start,
    coalesce(c.created, 0) as created,
    coalesce(d.completed, 0) as throughput,
    d.median_cycle_hours, d.p90_cycle_hours, d.median_lead_hours,
    coalesce(s.sla_met, 0) as sla_met,
    coalesce(s.sla_breached_closed, 0) + coalesce(s.sla_breached_open, 0) as sla_breached,
    coalesce(s.sla_breached_open, 0) as sla_breached_open,
    {{ safe_ratio('coalesce(s.sla_met, 0)', 'coalesce(s.sla_met, 0) + coalesce(s.sla_breached_closed, 0) + coalesce(s.sla_breached_open, 0)') }}
        as sla_compliance
from months m
left join created c on c.month_start = m.month_start
left join done d on d.month_start = m.month_start
left join sla s on s.month_start = m.month_start
