-- Billing: every subscription change (with the MRR it leaves) and every invoice.
select
    'subscription:' || cast(subscription_id as {{ string_type() }}) || ':' || cast(lsn as {{ string_type() }}) as billing_event_id,
    tenant_id, subscription_id, 'subscription_change' as event_type, status, plan, billing_interval,
    mrr, cast(null as {{ money_type() }}) as amount, cast(null as date) as period_start,
    cast(null as date) as period_end, changed_at as occurred_at, lsn
from {{ ref('stg_subscription_changes') }}
union all
select
    'invoice:' || cast(invoice_id as {{ string_type() }}), tenant_id, subscription_id, 'invoice_' || kind, null, null, null,
    null, amount, period_start, period_end, issued_at, null
from {{ ref('stg_invoices') }}
