-- Support tickets with their resolution time.
select ticket_id, tenant_id, user_id, priority, status, opened_at, resolved_at,
    {{ hours_between('opened_at', 'resolved_at') }} as resolution_hours
from {{ ref('stg_support_tickets') }}
