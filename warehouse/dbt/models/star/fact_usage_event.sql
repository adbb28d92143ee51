-- Usage: metered API calls (with cost to serve) and user activity (logins, feature use).
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy=incremental_strategy()) }}
select
    event_id, tenant_id, cast(null as bigint) as user_id, 'metered' as event_kind, metric as name,
    quantity, cost, occurred_at, cast(occurred_at as date) as date_day, partition_date
from {{ ref('stg_usage_events') }}
{% if is_incremental() %}where partition_date >= {{ incremental_since('partition_date') }}{% endif %}
union all
select
    event_id, tenant_id, user_id, activity as event_kind, coalesce(feature, activity) as name,
    1 as quantity, {{ money(0) }} as cost, occurred_at, cast(occurred_at as date) as date_day, partition_date
from {{ ref('stg_user_activity') }}
{% if is_incremental() %}where partition_date >= {{ incremental_since('partition_date') }}{% endif %}
