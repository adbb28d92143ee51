-- MRR and its movements per customer segment (tier, ICP segment, region) and month. A tenant
-- counts in the segment of its dim_tenant version valid at the month end, so a tier change moves
-- its whole MRR (opening included) to the new segment from that month on; per month the
-- segments sum to mart_revenue_monthly (tested).
with tenant_months as (
    select * from {{ ref('mart_mrr_tenant_month') }}
),
segmented as (
    {{ with_segment_at_month_end('tenant_months', 'month_start', ['tenant_id', 'month_start']) }}
)
select
    month_start,
    tier,
    icp_segment,
    region,
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
from segmented
group by month_start, tier, icp_segment, region
