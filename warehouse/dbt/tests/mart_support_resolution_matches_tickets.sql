-- The resolution mart holds one row per resolved ticket with its hours, and no other ticket.
select coalesce(r.ticket_id, t.ticket_id) as ticket_id
from {{ ref('mart_support_resolution') }} r
full outer join (
    select ticket_id, resolution_hours from {{ ref('fact_support_ticket') }}
    where status = 'resolved' and resolved_at is not null
) t on t.ticket_id = r.ticket_id
where r.ticket_id is null or t.ticket_id is null
    or coalesce(abs(r.resolution_hours - t.resolution_hours), 0) > 0.000001
    or (r.resolution_hours is null) <> (t.resolution_hours is null)
