-- One row per work order: its milestones, cycle and lead time, and SLA outcome as of the
-- latest event in the warehouse ("now"). An open order already past its due time is breached.
-- Incremental: a run recomputes the orders with events in new partitions and the orders still
-- open (their SLA outcome moves with "now"); a closed order's row never changes otherwise.
{{ config(materialized='incremental', unique_key='work_order_id', incremental_strategy=incremental_strategy()) }}
with events as (
    select * from {{ ref('fact_work_order_event') }}
    {% if is_incremental() %}
    where work_order_id in (
        select work_order_id from {{ ref('fact_work_order_event') }}
        where partition_date >= {{ incremental_since('last_partition_date') }}
        union all
        select work_order_id from {{ this }} where state in ('open', 'in_progress')
    )
    {% endif %}
),
now_ as (select max(occurred_at) as as_of from {{ ref('fact_work_order_event') }}),
orders as (
    select
        work_order_id,
        min(tenant_id) as tenant_id,
        min(priority) as priority,
        min(sla_due_at) as sla_due_at,
        min(case when event_type = 'created' then occurred_at end) as created_at,
        min(case when event_type = 'started' then occurred_at end) as started_at,
        max(case when event_type = 'completed' then occurred_at end) as completed_at,
        max(case when event_type = 'cancelled' then occurred_at end) as cancelled_at,
        max(partition_date) as last_partition_date
    from events
    group by work_order_id
)
select
    o.*,
    {{ token_column('work_order_id') }},
    case when completed_at is not null then 'completed' when cancelled_at is not null then 'cancelled'
        when started_at is not null then 'in_progress' else 'open' end as state,
    {{ hours_between('started_at', 'completed_at') }} as cycle_hours,
    {{ hours_between('created_at', 'completed_at') }} as lead_hours,
    case
        when cancelled_at is not null then null
        when completed_at is not null and completed_at <= sla_due_at then 'met'
        when completed_at is not null then 'breached'
        when sla_due_at < n.as_of then 'breached_open'
        else null
    end as sla_outcome,
    -- the month the SLA counts in: fulfilled in time -> completion month; else the month it fell due
    case
        when cancelled_at is not null then null
        when completed_at is not null and completed_at <= sla_due_at then {{ month_of('completed_at') }}
        when completed_at is not null or sla_due_at < n.as_of then {{ month_of('sla_due_at') }}
    end as sla_month
from orders o cross join now_ n
