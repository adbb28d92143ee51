-- Support volume and resolution time per month opened.
with tickets as (
    select {{ month_of('opened_at') }} as month_start, status,
        {{ percentile_over('resolution_hours', 0.5, month_of('opened_at')) }} as median_resolution_hours,
        {{ percentile_over('resolution_hours', 0.9, month_of('opened_at')) }} as p90_resolution_hours
    from {{ ref('fact_support_ticket') }}
)
select month_start,
    count(*) as tickets_opened,
    cast(sum(case when status = 'resolved' then 1 else 0 end) as bigint) as tickets_resolved,
    max(median_resolution_hours) as median_resolution_hours,
    max(p90_resolution_hours) as p90_resolution_hours
from tickets
group by month_start
