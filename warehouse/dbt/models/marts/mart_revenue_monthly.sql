-- Monthly revenue: MRR/ARR, customers and the movements that reconcile opening to closing MRR.
select
    month_start,
    sum(previous_mrr) as opening_mrr,
    sum(new_mrr) as new_mrr,
    sum(reactivation_mrr) as reactivation_mrr,
    sum(expansion_mrr) as expansion_mrr,
    sum(contraction_mrr) as contraction_mrr,
    sum(churned_mrr) as churned_mrr,
    sum(new_mrr) + sum(reactivation_mrr) + sum(expansion_mrr) - sum(contraction_mrr) - sum(churned_mrr)
        as net_new_mrr,
    sum(mrr) as mrr,
    12 * sum(mrr) as arr,
    cast(sum(case when mrr > 0 then 1 else 0 end) as bigint) as customers,
    cast(sum(case when movement = 'churn' then 1 else 0 end) as bigint) as churned_customers
from {{ ref('mart_mrr_tenant_month') }}
group by month_start
