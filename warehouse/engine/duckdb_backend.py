"""DuckDB backend: a file under var/ (or memory), schemas play the role of datasets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.engine.base import Column, Engine, EngineConfig, EngineError, split_name
from warehouse.engine.identifiers import quote_identifier, quote_path


def _open(config: EngineConfig) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config.duckdb_path, read_only=config.read_only)


def _open_copy(copy: str, main: str) -> tuple[duckdb.DuckDBPyConnection, str]:
    """The copy attached under the main file's catalog name (returned, quoted), so that SQL and
    information_schema read as on the main file. Attached in a fresh in-memory database:
    `duckdb.connect(path)` would hand back a database this process already has open on that
    path, which after a publish is the previous copy; an attachment opens the file the path
    names now."""
    con = duckdb.connect(":memory:")
    try:
        name = quote_identifier(Path(main).stem if main not in ("", ":memory:") else "warehouse", "duckdb")
        literal = "'" + copy.replace("'", "''") + "'"
        con.execute(f"attach {literal} as {name} (read_only)")
    except BaseException:
        con.close()
        raise
    return con, name


class DuckDBEngine(Engine):
    def __init__(self, config: EngineConfig):
        self.config = config
        copy = config.duckdb_read_copy if config.read_only else ""
        path = copy if copy and os.path.exists(copy) else config.duckdb_path
        self._catalog = ""  # the attached copy, made the default of every cursor
        try:
            if path == copy:
                self.con, self._catalog = _open_copy(copy, config.duckdb_path)
            else:
                self.con = _open(config)
        except duckdb.Error as exc:
            raise EngineError(f"Cannot open the DuckDB warehouse {path}: {exc}") from exc

    def close(self) -> None:
        self.con.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self.con.cursor()
        if self._catalog:  # `use` holds for one connection, and a cursor is a connection of its own
            cursor.execute(f"use {self._catalog}")
        return cursor

    def quote(self, table: str) -> str:
        return quote_path(*split_name(table), dialect="duckdb")

    def _run(self, sql: str, params: dict[str, Any] | None):
        # One cursor per statement: DuckDB 2.0 refuses new work on a connection whose last
        # result was not fully consumed (stack notes).
        cursor = self._cursor()
        try:
            return cursor, cursor.execute(sql, params or {})
        except duckdb.Error as exc:
            cursor.close()
            raise EngineError(f"{exc}") from exc

    def execute(self, sql, params=None):
        cursor, _ = self._run(sql, params)
        cursor.close()

    def query(self, sql, params=None) -> pa.Table:
        cursor = self._cursor()
        try:
            return cursor.sql(sql, params=params or None).to_arrow_table()
        except duckdb.Error as exc:
            raise EngineError(f"{exc}") from exc
        finally:
            cursor.close()

    def _ensure_schema(self, table: str) -> None:
        dataset, _ = split_name(table)
        self.execute(f"create schema if not exists {quote_identifier(dataset, 'duckdb')}")

    def load_parquet(self, table, uris, *, replace=True, partition_by=None, cluster_by=None):
        self._ensure_schema(table)
        files = ", ".join("'" + u.replace("'", "''") + "'" for u in uris)
        source = f"read_parquet([{files}], hive_partitioning = true, union_by_name = true)"
        verb = "create or replace table" if replace else "insert into"
        as_ = "as" if replace else ""
        sql = f"{verb} {self.quote(table)} {as_} select * from {source}"  # noqa: S608 # nosec B608 # quoted identifiers
        self.execute(sql)
        return self.row_count(table)

    def write_arrow(self, table, data, *, replace=True, partition_by=None, cluster_by=None):
        self._ensure_schema(table)
        cursor = self._cursor()
        try:
            cursor.register("_incoming", data)
            verb = "create or replace table" if replace else "insert into"
            as_ = "as" if replace else ""
            cursor.execute(f"{verb} {self.quote(table)} {as_} select * from _incoming")  # noqa: S608 # nosec B608 # quoted identifier
        except duckdb.Error as exc:
            raise EngineError(str(exc)) from exc
        finally:
            cursor.close()
        return data.num_rows

    def merge(self, target, data, keys):
        self._ensure_schema(target)
        if target not in self.tables(split_name(target)[0]):
            return self.write_arrow(target, data)
        on = " and ".join(
            f"{quote_path('t', k, dialect='duckdb')} = {quote_path('s', k, dialect='duckdb')}" for k in keys
        )
        cursor = self._cursor()
        try:
            cursor.register("_incoming", data)
            cursor.execute("begin")
            cursor.execute(f"delete from {self.quote(target)} t using _incoming s where {on}")  # noqa: S608 # nosec B608 # quoted identifiers
            cursor.execute(f"insert into {self.quote(target)} by name select * from _incoming")  # noqa: S608 # nosec B608 # quoted identifier
            cursor.execute("commit")
        except duckdb.Error as exc:
            cursor.execute("rollback")
            raise EngineError(str(exc)) from exc
        finally:
            cursor.close()
        return data.num_rows

    def tables(self, dataset=None):
        sql = "select table_schema || '.' || table_name as t from information_schema.tables"
        params = {}
        if dataset:
            sql += " where table_schema = $dataset"
            params["dataset"] = dataset
        return sorted(self.query(sql, params).column("t").to_pylist())

    def describe(self, table):
        dataset, name = split_name(table)
        rows = self.query(
            "select column_name, data_type, is_nullable from information_schema.columns"
            " where table_schema = $d and table_name = $t order by ordinal_position",
            {"d": dataset, "t": name},
        ).to_pylist()
        if not rows:
            raise EngineError(f"No table {table}.")
        return [Column(r["column_name"], r["data_type"], r["is_nullable"] == "YES") for r in rows]
