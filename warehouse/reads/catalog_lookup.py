"""Engine table names -> the catalog's Dataset and its Columns with their levels.

The catalog names warehouse tables as OpenLineage does (`catalog/naming.py`): on DuckDB
`<database>.<schema>.<table>` in `settings.WAREHOUSE_NAMESPACE` (the database is the file's stem,
as dbt-duckdb names it), on BigQuery `<project>.<dataset>.<table>` in namespace "bigquery".
One query per read, whatever the width: the live columns joined to their dataset and level, each
with its level's masking method (`LevelMasking`; an unclassified column takes L4's) as a scalar
subquery. Nothing read is cached (only the query's SQL text, warehouse/reads/statements.py), so a
reclassified column or a changed method counts on the next read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from catalog.models import Column, Dataset
from catalog.naming import relation_dataset
from warehouse import config as warehouse_config
from warehouse.engine import EngineConfig
from warehouse.engine.base import EngineError, split_name
from warehouse.reads.masking import TOKEN_SUFFIX, is_token_column
from warehouse.reads.models import LevelMasking
from warehouse.reads.query import ReadInvalid
from warehouse.reads.statements import Statement

UNCLASSIFIED = "unclassified"
# An unclassified column is handled as the most restricted level, never as public.
UNCLASSIFIED_LEVEL = 4


@dataclass(frozen=True)
class CatalogColumn:
    pk: int
    name: str
    data_type: str
    level: int  # UNCLASSIFIED_LEVEL when the catalog has no level for it
    code: str  # "L3", or "unclassified"
    pii_category: str
    masking: str = ""  # the level's LevelMasking method; "" when the level has none

    @property
    def is_phi(self) -> bool:
        """Counted per user per day for the HIPAA reports: health data, or anything at L4."""
        return self.pii_category == "health" or self.code == "L4"


@dataclass(frozen=True)
class CatalogTable:
    engine_name: str  # "marts.mart_revenue_monthly"
    dataset: Dataset
    columns: dict[str, CatalogColumn]  # in the table's order, without the stored tokens
    tokens: frozenset[str] = frozenset()  # columns whose keyed token the table stores (`<name>__token`)

    @property
    def methods(self) -> dict[int, str]:
        """Masking method per level, for the levels of this table's columns."""
        return {c.level: c.masking for c in self.columns.values() if c.masking}


def catalog_identity(engine_name: str, config: EngineConfig) -> tuple[str, str]:
    """(namespace, name) under which the catalog knows the engine's `schema.table`."""
    schema, table = split_name(engine_name)
    if config.backend == "bigquery":
        return relation_dataset("bigquery", config.bigquery_project, config.dataset_prefix + schema, table)
    return relation_dataset("duckdb", duckdb_database(config.duckdb_path), schema, table)


def duckdb_database(path: str) -> str:
    """The catalog name of a DuckDB file, as dbt-duckdb gives it: the file name without suffix."""
    return "memory" if path in ("", ":memory:") else Path(path).stem


def table_lookup(engine_name: str, config: EngineConfig) -> CatalogTable:
    """The catalog's view of a warehouse table; ReadInvalid when the catalog does not list it."""
    try:
        namespace, name = catalog_identity(engine_name, config)
    except EngineError as exc:
        raise ReadInvalid(f"{engine_name!r} is not a warehouse table name (expected schema.table).") from exc
    rows = LOOKUP.rows(namespace=namespace, name=name)
    if rows:  # plain values, no model per row: the ORM's per-row cost was most of the lookup
        dataset = Dataset.from_db(
            "default", ["id", "namespace", "name", "layer"], rows[0][: len(DATASET_FIELDS)]
        )
    else:  # a table the catalog lists without live columns: one more query
        dataset = Dataset.objects.filter(namespace=namespace, name=name, removed_at__isnull=True).first()
    if dataset is None:
        raise ReadInvalid(f"Unknown warehouse table {engine_name}: the catalog lists no such table.")
    columns = [_catalog_column(*row[len(DATASET_FIELDS) :]) for row in rows]
    names = {c.name for c in columns}
    tokens = {c.name.removesuffix(TOKEN_SUFFIX) for c in columns if is_token_column(c.name)} & names
    return CatalogTable(
        engine_name=engine_name,
        dataset=dataset,
        columns={c.name: c for c in columns if not is_token_column(c.name)},
        tokens=frozenset(tokens),
    )


def _lookup_rows(namespace, name):
    """The live columns of one dataset with their dataset, level and the level's masking method."""
    level = Coalesce(OuterRef("classification__level"), Value(UNCLASSIFIED_LEVEL))
    return (
        Column.objects.filter(
            dataset__namespace=namespace,
            dataset__name=name,
            dataset__removed_at__isnull=True,
            removed_at__isnull=True,
        )
        .annotate(
            masking=Subquery(LevelMasking.objects.filter(classification__level=level).values("method")[:1])
        )
        .order_by("ordinal_position", "name")
        .values_list(*DATASET_FIELDS, *COLUMN_FIELDS, "masking")
    )


# The Dataset comes back with these fields loaded (the others load on first access).
DATASET_FIELDS = ("dataset_id", "dataset__namespace", "dataset__name", "dataset__layer")
COLUMN_FIELDS = ("pk", "name", "data_type", "classification__level", "classification__code", "pii_category")
LOOKUP = Statement(_lookup_rows, namespace="<namespace marker 7310>", name="<name marker 7310>")


def _catalog_column(pk, name, data_type, level, code, pii, masking) -> CatalogColumn:
    return CatalogColumn(
        pk=pk,
        name=name,
        data_type=data_type,
        level=UNCLASSIFIED_LEVEL if level is None else level,
        code=code or UNCLASSIFIED,
        pii_category=pii,
        masking=masking or "",
    )


def live_warehouse_datasets(config: EngineConfig | None = None) -> QuerySet[Dataset]:
    """The catalog's live tables of the configured warehouse: `<database>.<schema>.<table>` in its
    namespace (DuckDB: the file's stem; BigQuery: the project, datasets with its prefix). The one
    definition of "a warehouse table" for the read path and governance's reviews and reports."""
    config = config or warehouse_config.engine_config(read_only=True)
    bigquery = config.backend == "bigquery"
    namespace, database = relation_dataset(
        config.backend, config.bigquery_project if bigquery else duckdb_database(config.duckdb_path)
    )
    pattern = rf"^{re.escape(database)}\.{re.escape(config.dataset_prefix)}[^.]+\.[^.]+$"
    return Dataset.objects.filter(namespace=namespace, name__regex=pattern, removed_at__isnull=True)


def warehouse_datasets(config: EngineConfig) -> dict[str, Dataset]:
    """`live_warehouse_datasets` by engine name (`schema.table`)."""
    found = {}
    for dataset in live_warehouse_datasets(config):
        schema, table = dataset.name.split(".")[1:]
        found[f"{schema.removeprefix(config.dataset_prefix)}.{table}"] = dataset
    return found
