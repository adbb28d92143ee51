"""A dbt run in this process leaves the warehouse file free for read-only opens."""

from warehouse.engine import EngineConfig, get_engine
from warehouse.tests.conftest import build


def test_read_only_open_after_an_in_process_run(hand_built):
    target, _ = hand_built
    build(target, select=["stg_tenants"])  # the file was last opened by dbt, in this process
    with get_engine(EngineConfig(duckdb_path=target.duckdb_path, read_only=True)) as engine:
        assert engine.row_count("cleansed.stg_tenants") > 0
