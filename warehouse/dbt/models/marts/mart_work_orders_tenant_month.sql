-- Work-order volume and SLA outcome per tenant and month, with the tenant's tier at the month end.
-- The same counting as mart_work_orders_monthly (created month, completion month, SLA month:
-- completion if met in time, else the due month; an open order past due is breached), so per
-- month the tenants sum to it (tested).
with orders as (
    select * from {{ ref('mart_work_order_status') }}
),
counted as (
    select tenant_id, {{ month_of('created_at') }} as month_start, 1 as created, 0 as throughput,
        0 as sla_met, 0 as sla_breached, 0 as sla_breached_open
    from orders where created_at is not null
    union all
    select tenant_id, {{ month_of('completed_at') }}, 0, 1, 0, 0, 0
    from orders where completed_at is not null
    union all
    select tenant_id, sla_month, 0, 0,
        case when sla_outcome = 'met' then 1 else 0 end,
        case when sla_outcome in ('breached', 'breached_open') then 1 else 0 end,
        case when sla_outcome = 'breached_open' then 1 else 0 end
    from orders where sla_month is not null
),
tenant_months as (
    select tenant_id, month_start,
        cast(sum(created) as bigint) as created,
        cast(sum(throughput) as bigint) as throughput,
        cast(sum(sla_met) as bigint) as sla_met,
        cast(sum(sla_breached) as bigint) as sla_breached,
        cast(sum(sla_breached_open) as bigint) as sla_breached_open
    from counted group by tenant_id, month_start
),
segmented as (
    {{ with_segment_at_month_end('tenant_months', 'month_start', ['tenant_id', 'month_start']) }}
)
select month_start, tenant_id, tier, created, throughput, sla_met, sla_breached, sla_breached_open,
    sla_met + sla_breached as sla_due
from segmented
