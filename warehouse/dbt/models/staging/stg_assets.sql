-- Assets under maintenance: latest state per asset.
{{ config(materialized='incremental', unique_key='asset_id', incremental_strategy=incremental_strategy(),
          post_hook="{{ sweep_removed() }}") }}
select
    cast(asset_id as bigint) as asset_id,
    cast(tenant_id as bigint) as tenant_id,
    {{ governed_columns('assets', ['asset_type', 'site', 'serial_number']) }},
    created_at,
    _changed_at as updated_at,
    _op,
    _lsn,
    cast(date as date) as partition_date
from ({{ latest_state('assets', 'asset_id') }}) as a
