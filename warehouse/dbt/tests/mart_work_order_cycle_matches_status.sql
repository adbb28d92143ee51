-- The cycle mart holds exactly the completed orders of mart_work_order_status, with their hours.
select coalesce(c.work_order_id, s.work_order_id) as work_order_id
from {{ ref('mart_work_order_cycle') }} c
full outer join (
    select work_order_id, cycle_hours from {{ ref('mart_work_order_status') }} where completed_at is not null
) s on s.work_order_id = c.work_order_id
where c.work_order_id is null or s.work_order_id is null
    or coalesce(abs(c.cycle_hours - s.cycle_hours), 0) > 0.000001
    or (c.cycle_hours is null) <> (s.cycle_hours is null)
