-- Closing MRR must equal opening MRR plus the movements, every month (regulatory ref §8.2).
select * from {{ ref('mart_revenue_monthly') }}
where abs(opening_mrr + new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churned_mrr - mrr) > 0.005
