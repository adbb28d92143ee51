-- Users: latest state; e-mail tokenised and full name dropped per their classification.
-- `locale` arrived in a later schema version: older rows (or a lake with none yet) read null.
select
    cast(user_id as bigint) as user_id,
    cast(tenant_id as bigint) as tenant_id,
    {{ governed_columns('users', ['email', 'full_name', 'role']) }},
    {{ optional_column(source('raw', 'users'), 'locale', string_type()) }},
    created_at,
    _changed_at as updated_at
from ({{ latest_state(source('raw', 'users'), 'user_id') }}) as u
