"""The warehouse engine: one small interface over DuckDB (default) and BigQuery.

Plain Python, no Django models. Callers speak in `dataset.table` names and named parameters
(`$name` in SQL); each backend maps that onto its own dialect, so where DuckDB and BigQuery
differ, the difference lives here and not in dashboards, data-quality checks or jobs.

    engine = get_engine(EngineConfig(backend="duckdb", duckdb_path="var/warehouse.duckdb"))
    engine.query("select count(*) as n from marts.mart_revenue_monthly").to_pylist()
"""

from warehouse.engine.base import Column, Engine, EngineConfig, EngineError
from warehouse.engine.identifiers import quote_identifier, quote_path


def get_engine(config: EngineConfig) -> Engine:
    if config.backend == "duckdb":
        from warehouse.engine.duckdb_backend import DuckDBEngine

        return DuckDBEngine(config)
    if config.backend == "bigquery":
        from warehouse.engine.bigquery_backend import BigQueryEngine

        return BigQueryEngine(config)
    raise EngineError(f"Unknown warehouse backend {config.backend!r}.")


__all__ = ["Column", "Engine", "EngineConfig", "EngineError", "get_engine", "quote_identifier", "quote_path"]
