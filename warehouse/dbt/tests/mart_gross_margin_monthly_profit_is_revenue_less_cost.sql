-- Gross profit is recognised revenue less the cost to serve, and the margin its share (§8.5).
select * from {{ ref('mart_gross_margin_monthly') }}
where abs(gross_profit - (revenue - cost_of_revenue)) > 0.005
    or (revenue <> 0 and abs(gross_margin - gross_profit / revenue) > 0.000001)
