-- Fixed-cohort retention per customer segment: the sums behind NRR, GRR and logo churn, with each
-- cohort customer in the segment it had at the end of the cohort month. Ratios are left to the
-- reader (sum of end_mrr / sum of start_mrr over the segments chosen), so segments can be combined;
-- summed over segments the rows equal mart_retention's (tested).
with pairs as (
    {{ retention_pairs() }}
),
segmented as (
    {{ with_segment_at_month_end('pairs', 'cohort_month', ['tenant_id', 'cohort_month', 'window_months']) }}
)
select
    cohort_month,
    window_months,
    measured_month,
    tier,
    icp_segment,
    region,
    count(*) as cohort_customers,
    cast(sum(case when end_mrr = 0 then 1 else 0 end) as bigint) as churned_customers,
    sum(start_mrr) as start_mrr,
    sum(end_mrr) as end_mrr,
    sum(case when end_mrr < start_mrr then end_mrr else start_mrr end) as retained_mrr
from segmented
group by cohort_month, window_months, measured_month, tier, icp_segment, region
