select plan, count(*) as users from {{ ref('stg_users') }} group by plan
