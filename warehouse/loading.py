"""Bring the raw lake to the engine when the engine cannot read the lake in place.

DuckDB reads the raw Parquet where it lies (dbt sources with an external location). BigQuery
reads its `raw` dataset, date-partitioned, loaded here before each run. A run loads only the
partitions on or after the newest one already loaded: that partition is deleted and loaded
again, since late files may still land in it (the dbt staging models make the same assumption).
A crash between the delete and the load is safe: the next run finds an older newest partition
and loads from there. A full refresh, a new table or a source column the table lacks reloads
the whole table.
"""

import re
from datetime import date

from warehouse import config

PARTITION = re.compile(r"/date=(\d{4}-\d{2}-\d{2})/")


def load_raw_for_engine(*, full_refresh: bool = False) -> int:
    """Rows loaded (0 when the engine reads the lake directly)."""
    if config.engine_config().backend == "duckdb":
        return 0
    lake, total = config.lake(), 0
    with config.engine() as engine:
        loaded = set(engine.tables("raw"))
        for table in lake.tables("raw"):
            name = f"raw.{table}"
            total += _load(engine, lake, name, lake.files("raw", table), full_refresh or name not in loaded)
    return total


def _load(engine, lake, name: str, files: list[str], whole: bool) -> int:
    table = engine.quote(name)
    since = None if whole else engine.query(f"select max(date) from {table}").column(0)[0].as_py()  # noqa: S608 # nosec B608 # quoted identifier
    recent = [f for f in files if since is not None and _partition_of(f) >= since]
    if since is None or _adds_columns(engine, lake, name, recent):
        return engine.load_parquet(name, files, partition_by="date")
    engine.execute(f"delete from {table} where date >= $since", {"since": since})  # noqa: S608 # nosec B608 # quoted identifier
    return engine.load_parquet(name, recent, replace=False, partition_by="date")


def _partition_of(path: str) -> date:
    match = PARTITION.search(path)
    if not match:
        raise ValueError(f"Raw lake file outside a date= partition: {path}")
    return date.fromisoformat(match.group(1))


def _adds_columns(engine, lake, name: str, files: list[str]) -> bool:
    import pyarrow.parquet as pq

    known = {c.name for c in engine.describe(name)}
    return any(set(pq.read_schema(f, filesystem=lake.fs).names) - known for f in files)
