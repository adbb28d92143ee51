-- Support tickets: latest state (opened, then resolved).
select
    cast(ticket_id as bigint) as ticket_id,
    cast(tenant_id as bigint) as tenant_id,
    cast(user_id as bigint) as user_id,
    priority,
    status,
    opened_at,
    resolved_at
from ({{ latest_state(source('raw', 'support_tickets'), 'ticket_id') }}) as t
