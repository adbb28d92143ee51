-- Support tickets per tenant and month opened, with the tenant's tier at the end of that month.
with tenant_months as (
    select tenant_id, {{ month_of('opened_at') }} as month_start,
        count(*) as tickets_opened,
        cast(sum(case when status = 'resolved' then 1 else 0 end) as bigint) as tickets_resolved
    from {{ ref('fact_support_ticket') }}
    group by 1, 2
),
segmented as (
    {{ with_segment_at_month_end('tenant_months', 'month_start', ['tenant_id', 'month_start']) }}
)
select month_start, tenant_id, tier, tickets_opened, tickets_resolved
from segmented
