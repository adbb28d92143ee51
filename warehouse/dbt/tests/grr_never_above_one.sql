-- GRR above 100% is a bug by construction (regulatory ref §8.3).
select * from {{ ref('mart_retention') }} where grr > 1.0000001
