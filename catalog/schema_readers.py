"""Read tables and columns from a live database's information_schema (PostgreSQL, DuckDB).

The catalog reads these databases directly rather than through the warehouse app, which it
may not import: both speak information_schema, so one query serves both, and a connection URL
on the System is all the catalog needs to know.
"""

import os
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings

from catalog.naming import relation_namespace
from warehouse.engine.identifiers import quote_identifier, quote_path

COLUMNS_SQL = """
    SELECT table_catalog, table_schema, table_name, column_name, data_type, ordinal_position, is_nullable
    FROM information_schema.columns
    WHERE table_schema NOT IN ('information_schema', 'pg_catalog', 'pg_toast')
    ORDER BY table_catalog, table_schema, table_name, ordinal_position
"""


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    data_type: str
    ordinal_position: int
    nullable: bool


def _group(rows) -> dict[str, list[ColumnInfo]]:
    tables: dict[str, list[ColumnInfo]] = {}
    for catalog, schema, table, column, data_type, position, nullable in rows:
        tables.setdefault(f"{catalog}.{schema}.{table}", []).append(
            ColumnInfo(column, str(data_type), int(position), str(nullable).upper() == "YES")
        )
    return tables


def read_postgres(url: str) -> tuple[str, dict[str, list[ColumnInfo]]]:
    import psycopg

    parsed = urlparse(url)
    namespace = f"postgres://{parsed.hostname or 'localhost'}:{parsed.port or 5432}"
    with psycopg.connect(url) as connection:
        rows = connection.execute(COLUMNS_SQL).fetchall()
    return namespace, _group(rows)


def read_duckdb(url: str) -> tuple[str, dict[str, list[ColumnInfo]]]:
    import duckdb

    path = url.removeprefix("duckdb://")  # duckdb:///abs/file.duckdb -> /abs/file.duckdb
    connection = duckdb.connect(path, read_only=True)
    try:
        rows = connection.execute(
            COLUMNS_SQL.replace("ORDER BY", "AND table_catalog NOT IN ('system', 'temp') ORDER BY")
        ).fetchall()
    finally:
        connection.close()
    return _duckdb_namespace(path), _group(rows)


def _duckdb_namespace(path: str) -> str:
    """The warehouse's own file is named as its dbt import and run events name it (catalog.naming)."""
    if os.path.abspath(path) == os.path.abspath(settings.WAREHOUSE_DUCKDB_PATH):
        return relation_namespace("duckdb")
    return "duckdb"


def read_schema(url: str) -> tuple[str, dict[str, list[ColumnInfo]]]:
    """(namespace, {dataset name: columns}) for a 'postgresql://' or 'duckdb:///' URL."""
    scheme = urlparse(url).scheme
    if scheme in ("postgres", "postgresql"):
        return read_postgres(url)
    if scheme == "duckdb":
        return read_duckdb(url)
    raise ValueError(f"Unsupported connection URL scheme {scheme!r}: use postgresql:// or duckdb:///")


def sample_values(url: str, dataset_name: str, columns: list[str], limit: int = 50) -> dict[str, list]:
    """Up to `limit` values per column of `catalog.schema.table`, for the PII value scanner.

    The values are only looked at in memory, never stored.
    """
    _, schema, table = dataset_name.split(".", 2)
    names = ", ".join(quote_identifier(c) for c in columns)
    query = f"SELECT {names} FROM {quote_path(schema, table)} LIMIT {int(limit)}"  # noqa: S608 # nosec B608 # identifiers quoted by quote_identifier; limit is an int
    if urlparse(url).scheme == "duckdb":
        import duckdb

        connection = duckdb.connect(url.removeprefix("duckdb://"), read_only=True)
        try:
            rows = connection.execute(query).fetchall()
        finally:
            connection.close()
    else:
        import psycopg

        with psycopg.connect(url) as connection:
            rows = connection.execute(query).fetchall()
    return {column: [row[i] for row in rows] for i, column in enumerate(columns)}
