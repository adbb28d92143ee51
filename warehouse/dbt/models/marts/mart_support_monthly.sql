-- Support volume and resolution time per month opened.
select {{ month_of('opened_at') }} as month_start,
    count(*) as tickets_opened,
    sum(case when status = 'resolved' then 1 else 0 end) as tickets_resolved,
    {{ median_of('resolution_hours') }} as median_resolution_hours,
    {{ p90_of('resolution_hours') }} as p90_resolution_hours
from {{ ref('fact_support_ticket') }}
group by 1
