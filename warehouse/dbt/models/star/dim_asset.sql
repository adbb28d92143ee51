-- Maintained assets.
select asset_id, tenant_id, asset_type, site, serial_number, created_at from {{ ref('stg_assets') }}
