{#- Slicing the marts by customer segment. -#}

{#- The rows of `rows` (a CTE with tenant_id) with the tier, ICP segment and region of the tenant's
    dim_tenant version valid at the end of the month in column `month`: the latest version that
    began before the next month. A month before the tenant's first recorded version takes that
    first version, so every row has a segment and segment sums always equal the totals.
    `key` names the columns that identify one row of `rows`. -#}
{% macro with_segment_at_month_end(rows, month, key) -%}
select r.*, d.tier, d.icp_segment, d.region
from {{ rows }} as r
left join {{ ref('dim_tenant') }} as d on d.tenant_id = r.tenant_id
qualify row_number() over (
    partition by {% for k in key %}r.{{ k }}{% if not loop.last %}, {% endif %}{% endfor %}
    order by case when d.valid_from < {{ add_months('r.' ~ month, 1) }} then d.valid_from end desc nulls last,
        d.valid_from
) = 1
{%- endmacro %}

{#- One row per cohort customer and window: tenants paying at the end of `cohort_month`, with their
    MRR then and `window_months` later (regulatory reference §8.3). -#}
{% macro retention_pairs() -%}
select s.tenant_id, s.month_start as cohort_month, w.window_months, e.month_start as measured_month,
    s.mrr as start_mrr, e.mrr as end_mrr
from {{ ref('mart_mrr_tenant_month') }} s
cross join (select 1 as window_months union all select 3 union all select 12) as w
join {{ ref('mart_mrr_tenant_month') }} e
    on e.tenant_id = s.tenant_id and e.month_start = {{ add_months('s.month_start', 'w.window_months') }}
where s.mrr > 0
{%- endmacro %}
