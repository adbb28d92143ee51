select id as user_id, lower(email) as email, plan from {{ source('app', 'app_users') }}
