"""Bring the raw lake to the engine when the engine cannot read the lake in place.

DuckDB reads the raw Parquet where it lies (dbt sources with an external location). BigQuery
reads its `raw` dataset: before each run the raw tables are loaded there, date-partitioned.
This reloads whole tables — simple and idempotent; loading only new partitions (or BigQuery
external tables over the gs:// lake) is the next step for large volumes.
"""

from warehouse import config


def load_raw_for_engine() -> int:
    """Rows loaded (0 when the engine reads the lake directly)."""
    if config.engine_config().backend == "duckdb":
        return 0
    lake, total = config.lake(), 0
    with config.engine() as engine:
        for table in lake.tables("raw"):
            total += engine.load_parquet(f"raw.{table}", lake.files("raw", table), partition_by="date")
    return total
