-- Tenants (organisations): latest state per tenant.
select
    cast(tenant_id as bigint) as tenant_id,
    name,
    tier,
    icp_segment,
    region,
    created_at,
    _changed_at as updated_at
from ({{ latest_state(source('raw', 'tenants'), 'tenant_id') }}) as t
