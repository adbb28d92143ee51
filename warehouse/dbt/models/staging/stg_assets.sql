-- Assets under maintenance: latest state per asset.
select
    cast(asset_id as bigint) as asset_id,
    cast(tenant_id as bigint) as tenant_id,
    {{ governed_columns('assets', ['asset_type', 'site', 'serial_number']) }},
    created_at,
    _changed_at as updated_at
from ({{ latest_state(source('raw', 'assets'), 'asset_id') }}) as a
