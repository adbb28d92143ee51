-- MRR per tenant at each month end, and its movement from the month before.
-- Classification is on the net change per customer per month (an upgrade and a downgrade in
-- the same month are one movement); reactivation = back from zero after having paid before.
with months as (
    select distinct month_start from {{ ref('dim_time') }}
),
tenants as (
    select distinct tenant_id from {{ ref('fact_billing_event') }} where event_type = 'subscription_change'
),
changes as (
    select tenant_id, subscription_id, mrr, occurred_at, lsn
    from {{ ref('fact_billing_event') }} where event_type = 'subscription_change'
),
state_at_month_end as (
    -- each subscription's latest change before the month ends
    select m.month_start, c.tenant_id, c.subscription_id, c.mrr
    from months m
    join changes c on c.occurred_at < {{ add_months('m.month_start', 1) }}
    qualify row_number() over (partition by m.month_start, c.subscription_id order by c.lsn desc) = 1
),
mrr as (
    select t.tenant_id, m.month_start, coalesce(sum(s.mrr), 0) as mrr
    from tenants t
    cross join months m
    left join state_at_month_end s on s.tenant_id = t.tenant_id and s.month_start = m.month_start
    group by t.tenant_id, m.month_start
),
framed as (
    select
        tenant_id,
        month_start,
        mrr,
        coalesce(lag(mrr) over (partition by tenant_id order by month_start), 0) as previous_mrr,
        coalesce(max(case when mrr > 0 then 1 else 0 end) over (
            partition by tenant_id order by month_start rows between unbounded preceding and 1 preceding
        ), 0) = 1 as paid_before
    from mrr
)
select
    tenant_id,
    {{ token_column('tenant_id') }},
    month_start,
    previous_mrr,
    mrr,
    case
        when previous_mrr = 0 and mrr > 0 and not paid_before then 'new'
        when previous_mrr = 0 and mrr > 0 then 'reactivation'
        when previous_mrr > 0 and mrr = 0 then 'churn'
        when mrr > previous_mrr then 'expansion'
        when mrr < previous_mrr then 'contraction'
        else 'none'
    end as movement,
    case when previous_mrr = 0 and mrr > 0 and not paid_before then mrr else 0 end as new_mrr,
    case when previous_mrr = 0 and mrr > 0 and paid_before then mrr else 0 end as reactivation_mrr,
    case when previous_mrr > 0 and mrr > previous_mrr then mrr - previous_mrr else 0 end as expansion_mrr,
    case when previous_mrr > 0 and mrr > 0 and mrr < previous_mrr then previous_mrr - mrr else 0 end
        as contraction_mrr,
    case when previous_mrr > 0 and mrr = 0 then previous_mrr else 0 end as churned_mrr
from framed
