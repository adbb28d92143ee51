-- Every segment's month closes where its opening and net new MRR lead (regulatory ref §8.2).
select * from {{ ref('mart_mrr_segment_month') }}
where abs(opening_mrr + net_new_mrr - mrr) > 0.005
