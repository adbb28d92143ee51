-- One row per resolved ticket with its resolution time, for medians and P90s over any period and
-- any set of tenants. The tier is the tenant's at the end of the month the ticket was opened.
with resolved as (
    select ticket_id, tenant_id, {{ month_of('opened_at') }} as opened_month,
        {{ quarter_of('opened_at') }} as opened_quarter, {{ year_of('opened_at') }} as opened_year,
        resolution_hours
    from {{ ref('fact_support_ticket') }}
    where status = 'resolved' and resolved_at is not null
),
segmented as (
    {{ with_segment_at_month_end('resolved', 'opened_month', ['ticket_id']) }}
)
select ticket_id, tenant_id, tier, opened_month, opened_quarter, opened_year, resolution_hours
from segmented
