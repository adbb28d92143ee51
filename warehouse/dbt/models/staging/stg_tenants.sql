-- Tenants (organisations): latest state per tenant.
{{ config(materialized='incremental', unique_key='tenant_id', incremental_strategy=incremental_strategy(),
          post_hook="{{ sweep_removed() }}") }}
select
    cast(tenant_id as bigint) as tenant_id,
    name,
    tier,
    icp_segment,
    region,
    created_at,
    _changed_at as updated_at,
    _op,
    _lsn,
    cast(date as date) as partition_date
from ({{ latest_state('tenants', 'tenant_id') }}) as t
