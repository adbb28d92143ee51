-- Tenants, slowly changing (type 2) from the tenant_history snapshot: one row per version.
select
    {{ surrogate_key(['tenant_id', 'dbt_valid_from']) }} as tenant_key,
    tenant_id,
    name,
    tier,
    icp_segment,
    region,
    created_at,
    dbt_valid_from as valid_from,
    dbt_valid_to as valid_to,
    dbt_valid_to is null as is_current
from {{ ref('tenant_history') }}
