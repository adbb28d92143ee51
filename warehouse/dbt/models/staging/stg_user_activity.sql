-- User activity: logins and feature use.
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy=incremental_strategy()) }}
select
    cast(event_id as bigint) as event_id,
    cast(tenant_id as bigint) as tenant_id,
    cast(user_id as bigint) as user_id,
    activity,
    feature,
    occurred_at,
    date as partition_date
from ({{ dedup_events('user_activity', 'event_id') }}) as e
