-- Users of the product (tokenised e-mail; no names).
select user_id, tenant_id, email, role, locale, created_at from {{ ref('stg_users') }}
