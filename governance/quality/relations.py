"""Where a catalogued dataset lives in the warehouse, as SQL text (no engine opened here)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from warehouse.engine import quote_path


class NotInWarehouse(ValueError):
    """The dataset is not a warehouse table or a lake folder the engine can read."""


def relation_of(dataset) -> str:
    """The FROM-clause text of a dataset: a quoted table, or a read of the lake folder's Parquet."""
    dialect = settings.WAREHOUSE_BACKEND
    namespace, name = dataset.namespace, dataset.name
    if namespace in {settings.WAREHOUSE_NAMESPACE, "bigquery"}:
        parts = name.split(".")
        parts = parts[-2:] if dialect == "duckdb" else parts[-3:]
        return quote_path(*parts, dialect=dialect)
    if namespace == "file":
        if dialect == "bigquery":  # the raw lake is loaded into the `raw` dataset before each run
            return quote_path("raw", Path(name).name, dialect=dialect)
        folder = name.replace("'", "''")
        return f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true, union_by_name = true)"
    raise NotInWarehouse(f"{dataset} is neither a warehouse table nor a lake folder.")


def datasets_named(name: str):
    """Live datasets whose name is `name` or ends in its last parts (`curated.dim_tenant`, `raw/tickets`)."""
    from django.db.models import Q

    from catalog.models import Dataset

    match = Q(name=name) | Q(name__endswith=f".{name}") | Q(name__endswith=f"/{name}")
    return Dataset.objects.filter(match, removed_at__isnull=True)
