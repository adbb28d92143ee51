-- Engagement: active users and tenants, logins, and adoption of each feature per month.
-- Incremental by month: activity only ever lands in the newest month or later, so a run
-- recomputes the newest month it already holds and any after it; older months stay as they are.
{{ config(materialized='incremental', unique_key=['month_start', 'feature'],
          incremental_strategy=incremental_strategy()) }}
with activity as (
    select {{ month_of('occurred_at') }} as month_start, tenant_id, user_id, event_kind, name
    from {{ ref('fact_usage_event') }} where event_kind in ('login', 'feature_use')
    {% if is_incremental() %}and date_day >= {{ incremental_since('month_start') }}{% endif %}
),
active as (
    select month_start, count(distinct user_id) as active_users, count(distinct tenant_id) as active_tenants,
        sum(case when event_kind = 'login' then 1 else 0 end) as logins
    from activity group by month_start
)
select a.month_start, f.feature, a.active_users, a.active_tenants, a.logins,
    f.feature_users, {{ safe_ratio('f.feature_users', 'a.active_users') }} as adoption_rate
from active a
join (
    select month_start, name as feature, count(distinct user_id) as feature_users
    from activity where event_kind = 'feature_use' group by month_start, name
) f on f.month_start = a.month_start
