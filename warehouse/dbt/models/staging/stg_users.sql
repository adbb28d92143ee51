-- Users: latest state; e-mail tokenised and full name dropped per their classification.
-- `locale` arrived in a later schema version: older rows (or a lake with none yet) read null.
{{ config(materialized='incremental', unique_key='user_id', incremental_strategy=incremental_strategy(),
          post_hook="{{ sweep_removed() }}") }}
select
    cast(user_id as bigint) as user_id,
    cast(tenant_id as bigint) as tenant_id,
    {{ governed_columns('users', ['email', 'full_name', 'role']) }},
    {{ optional_column('users', 'locale', string_type()) }},
    created_at,
    _changed_at as updated_at,
    _op,
    _lsn,
    cast(date as date) as partition_date
from ({{ latest_state('users', 'user_id') }}) as u
