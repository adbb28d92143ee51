"""The engine interface every backend implements."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa


class EngineError(Exception):
    """A warehouse statement failed; the message names the statement's target."""


@dataclass(frozen=True)
class EngineConfig:
    backend: str = "duckdb"
    duckdb_path: str = ":memory:"
    read_only: bool = False
    # A published copy of the DuckDB file (warehouse/read_copy.py) that read-only engines open
    # instead of `duckdb_path` once it exists; `duckdb_path` still names the warehouse.
    duckdb_read_copy: str = ""
    bigquery_project: str = ""
    bigquery_location: str = "US"
    bigquery_endpoint: str = ""  # the emulator's http://host:port; empty in production
    dataset_prefix: str = ""  # BigQuery datasets are `<prefix><schema>` (one project, many envs)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True


class Engine(abc.ABC):
    """Run SQL, load Parquet, read Arrow, list/describe tables, merge rows."""

    config: EngineConfig

    @abc.abstractmethod
    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None:
        """Run a statement for its effect."""

    @abc.abstractmethod
    def query(self, sql: str, params: dict[str, Any] | None = None) -> pa.Table:
        """Run a query; the whole result as an Arrow table."""

    @abc.abstractmethod
    def load_parquet(
        self, table: str, uris: list[str], *, replace: bool = True,
        partition_by: str | None = None, cluster_by: list[str] | None = None,
    ) -> int:  # fmt: skip
        """Load Parquet files (hive partition folders become columns) into `dataset.table`.

        `partition_by` (a date column) and `cluster_by` shape the table where the backend has
        such things (BigQuery); DuckDB has neither and ignores them.
        """

    @abc.abstractmethod
    def write_arrow(self, table: str, data: pa.Table, *, replace: bool = True,
                    partition_by: str | None = None, cluster_by: list[str] | None = None) -> int:  # fmt: skip
        """Write an Arrow table into `dataset.table`; returns the rows written."""

    @abc.abstractmethod
    def merge(self, target: str, data: pa.Table, keys: list[str]) -> int:
        """Upsert `data` into `target` on `keys` (a retried batch changes nothing more)."""

    @abc.abstractmethod
    def tables(self, dataset: str | None = None) -> list[str]:
        """`dataset.table` names, sorted."""

    @abc.abstractmethod
    def describe(self, table: str) -> list[Column]:
        """Columns of `dataset.table` in order."""

    def read_table(self, table: str) -> pa.Table:
        return self.query(f"select * from {self.quote(table)}")  # noqa: S608 # nosec B608 # quoted identifier

    def row_count(self, table: str) -> int:
        return self.query(f"select count(*) as n from {self.quote(table)}").column("n")[0].as_py()  # noqa: S608 # nosec B608 # quoted identifier

    @abc.abstractmethod
    def quote(self, table: str) -> str:
        """A `dataset.table` name quoted for this dialect."""

    def close(self) -> None:  # noqa: B027 - optional hook; backends without connections keep it
        """Release connections (no-op where there are none)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def split_name(table: str) -> tuple[str, str]:
    dataset, dot, name = table.partition(".")
    if not dot or not dataset or not name or "." in name:
        raise EngineError(f"Expected a `dataset.table` name, got {table!r}.")
    for part in (dataset, name):
        if not part.replace("_", "").isalnum():
            raise EngineError(f"Bad identifier {part!r} in {table!r}.")
    return dataset, name
