-- Support tickets: latest state (opened, then resolved).
{{ config(materialized='incremental', unique_key='ticket_id', incremental_strategy=incremental_strategy(),
          post_hook="{{ sweep_removed() }}") }}
select
    cast(ticket_id as bigint) as ticket_id,
    cast(tenant_id as bigint) as tenant_id,
    cast(user_id as bigint) as user_id,
    priority,
    status,
    opened_at,
    resolved_at,
    _op,
    _lsn,
    cast(date as date) as partition_date
from ({{ latest_state('support_tickets', 'ticket_id') }}) as t
