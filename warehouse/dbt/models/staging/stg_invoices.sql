-- Invoices (subscription periods and one-time setup fees), one row per invoice.
{{ config(materialized='incremental', unique_key='invoice_id', incremental_strategy=incremental_strategy()) }}
select
    cast(invoice_id as bigint) as invoice_id,
    cast(tenant_id as bigint) as tenant_id,
    cast(subscription_id as bigint) as subscription_id,
    kind,
    period_start,
    period_end,
    {{ money('amount_cents') }} as amount,
    issued_at,
    date as partition_date
from ({{ dedup_events('invoices', 'invoice_id') }}) as i
