-- Every subscription change, typed, with its normalised monthly value (MRR contribution):
-- the price of the billing term divided by the months in it, after the recurring discount.
{{ config(materialized='incremental', unique_key=['subscription_id', 'lsn'],
          incremental_strategy=incremental_strategy()) }}
select
    cast(subscription_id as bigint) as subscription_id,
    cast(tenant_id as bigint) as tenant_id,
    _lsn as lsn,
    _op as op,
    _changed_at as changed_at,
    plan,
    billing_interval,
    cast(discount_pct as integer) as discount_pct,
    status,
    {{ money('price_cents') }} as term_price,
    case when status = 'active' and _op != 'd'
        then {{ money("price_cents * (100 - discount_pct) / 100.0 / case billing_interval when 'year' then 12 else 1 end") }}
        else 0 end as mrr,
    cast(date as date) as partition_date
from ({{ dedup_events('subscriptions', 'subscription_id, _lsn') }}) as s
