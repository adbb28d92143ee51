"""The warehouse's plain-Python parts (engine, lake, dbt runner), configured from settings."""

from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from warehouse.dbt_runner import DbtTarget
from warehouse.engine import Engine, EngineConfig, get_engine
from warehouse.lake import Lake
from warehouse.read_copy import copy_for_readers


def engine_config(*, read_only: bool = False) -> EngineConfig:
    return EngineConfig(
        backend=settings.WAREHOUSE_BACKEND,
        duckdb_path=settings.WAREHOUSE_DUCKDB_PATH,
        read_only=read_only,
        duckdb_read_copy=copy_for_readers() if read_only else "",
        bigquery_project=settings.WAREHOUSE_BIGQUERY_PROJECT,
        bigquery_location=settings.WAREHOUSE_BIGQUERY_LOCATION,
        bigquery_endpoint=settings.WAREHOUSE_BIGQUERY_ENDPOINT,
    )


def engine(*, read_only: bool = False) -> Engine:
    if settings.WAREHOUSE_BACKEND == "duckdb":
        Path(settings.WAREHOUSE_DUCKDB_PATH).parent.mkdir(parents=True, exist_ok=True)
    return get_engine(engine_config(read_only=read_only))


def lake() -> Lake:
    return Lake(settings.LAKE_URL, cold_url=settings.WAREHOUSE_COLD_LAKE_URL or None)


def dbt_target() -> DbtTarget:
    return DbtTarget(
        work_dir=settings.WAREHOUSE_WORK_DIR,
        lake_url=lake().root_url,
        backend=settings.WAREHOUSE_BACKEND,
        duckdb_path=settings.WAREHOUSE_DUCKDB_PATH,
        token_key=settings.WAREHOUSE_TOKEN_KEY,
        threads=settings.WAREHOUSE_DBT_THREADS,
        bigquery_project=settings.WAREHOUSE_BIGQUERY_PROJECT,
        bigquery_location=settings.WAREHOUSE_BIGQUERY_LOCATION,
        bigquery_endpoint=settings.WAREHOUSE_BIGQUERY_ENDPOINT,
        column_policies=column_policies(),
        duckdb_memory_limit=settings.WAREHOUSE_DUCKDB_MEMORY_LIMIT,
    )


def column_policies() -> dict | None:
    """The catalog's tokenise/drop decisions per raw column, when a provider is configured."""
    if not settings.WAREHOUSE_COLUMN_POLICIES:
        return None
    return import_string(settings.WAREHOUSE_COLUMN_POLICIES)()
