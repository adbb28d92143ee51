-- Each month opens where the month before closed.
select * from (
    select month_start, opening_mrr, lag(mrr) over (order by month_start) as previous_closing
    from {{ ref('mart_revenue_monthly') }}
) as m
where previous_closing is not null and abs(opening_mrr - previous_closing) > 0.005
