-- NRR, GRR and logo churn on fixed cohorts: customers paying at the end of `cohort_month`,
-- measured `window_months` later. New customers and reactivations after the start are not in
-- the cohort, so they cannot flatter the result.
with pairs as (
    {{ retention_pairs() }}
)
select
    cohort_month,
    window_months,
    count(*) as cohort_customers,
    cast(sum(case when end_mrr = 0 then 1 else 0 end) as bigint) as churned_customers,
    sum(start_mrr) as start_mrr,
    sum(end_mrr) as end_mrr,
    sum(case when end_mrr < start_mrr then end_mrr else start_mrr end) as retained_mrr,
    {{ safe_ratio('sum(end_mrr)', 'sum(start_mrr)') }} as nrr,
    {{ safe_ratio('sum(case when end_mrr < start_mrr then end_mrr else start_mrr end)', 'sum(start_mrr)') }} as grr,
    {{ safe_ratio('sum(case when end_mrr = 0 then 1 else 0 end)', 'count(*)') }} as logo_churn_rate
from pairs
group by cohort_month, window_months
