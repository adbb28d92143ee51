-- Calendar days from the first to the last event in the warehouse.
with bounds as (
    select min(occurred_at) as first_at, max(occurred_at) as last_at from {{ ref('fact_work_order_event') }}
)
select
    date_day,
    {{ month_of('date_day') }} as month_start,
    extract(year from date_day) as year,
    extract(month from date_day) as month,
    extract(dayofweek from date_day) as day_of_week
from ({{ day_series('(select cast(first_at as date) from bounds)', '(select cast(last_at as date) from bounds)') }}) as days
