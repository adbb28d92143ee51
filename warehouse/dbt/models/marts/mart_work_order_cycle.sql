-- One row per completed work order with its cycle and lead time, for medians and P90s over any
-- period and any set of tenants (the monthly mart's percentiles cannot be combined). The tier is
-- the tenant's at the end of the completion month.
with completed as (
    select work_order_id, tenant_id, {{ month_of('completed_at') }} as completed_month,
        {{ quarter_of('completed_at') }} as completed_quarter, {{ year_of('completed_at') }} as completed_year,
        cycle_hours, lead_hours
    from {{ ref('mart_work_order_status') }}
    where completed_at is not null
),
segmented as (
    {{ with_segment_at_month_end('completed', 'completed_month', ['work_order_id']) }}
)
select work_order_id, tenant_id, tier, completed_month, completed_quarter, completed_year, cycle_hours, lead_hours
from segmented
