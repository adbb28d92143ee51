"""The one governance module that opens the warehouse engine: it runs the compiled checks.

A table's checks cost one aggregate scan, one count per referential or custom SQL check (and per
unique check that cannot use a bitmap, see compile.py), a min/max query DuckDB answers from its
statistics, and one small query per failing check that has failing rows to show (at most five,
masked in the SQL).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pyarrow as pa
from django.conf import settings

from governance.quality import evaluate
from governance.quality.compile import FAILING_ROW_TYPES, CheckDefinitionError, Compiler, Spec
from governance.quality.evaluate import Verdict
from warehouse import config
from warehouse.engine import EngineError, quote_identifier
from warehouse.reads.masking import mask_sql

FAILURES = (EngineError, CheckDefinitionError)
logger = logging.getLogger(__name__)


@dataclass
class TableRun:
    """Everything needed to check one table, read from the catalog beforehand."""

    relation: str  # quoted, or a read_parquet(...) call
    specs: list[Spec]
    related: dict[int, str] = field(default_factory=dict)  # referential check → quoted target
    previous_rows: dict[int, int | None] = field(default_factory=dict)
    catalog_columns: dict[str, str] = field(default_factory=dict)  # name → type
    levels: dict[str, int | None] = field(default_factory=dict)  # column → classification level


def run_tables(tables: list[TableRun], *, now: datetime) -> dict[int, tuple[Verdict, int]]:
    """check id → (verdict, milliseconds); a table that cannot be read errs its checks only."""
    out: dict[int, tuple[Verdict, int]] = {}
    with config.engine() as engine:
        for table in tables:
            out |= _run_table(engine, table, now)
    return out


def _run_table(engine, table: TableRun, now) -> dict[int, tuple[Verdict, int]]:
    dialect = settings.WAREHOUSE_BACKEND
    compiler, out = Compiler(table.relation, dialect), {}
    started = time.monotonic()
    try:
        schema = engine.query(f"select * from {table.relation} limit 0").schema  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
        columns = schema.names
        plan = compiler.plan(table.specs, table.related, _integer_bounds(engine, compiler, table, schema))
        row = engine.query(plan.scan_sql, plan.params).to_pylist()[0]
        for sql in plan.distinct.values():
            row |= engine.query(sql).to_pylist()[0]
    except FAILURES as exc:
        return {s.key: (Verdict(False, message=f"could not run: {exc}", error=True), 0) for s in table.specs}
    scan_ms = int((time.monotonic() - started) * 1000)
    for spec in table.specs:
        began = time.monotonic()
        verdict = _verdict(engine, compiler, plan, spec, row, table, columns, now)
        if not verdict.ok and not verdict.error and spec.check_type in FAILING_ROW_TYPES:
            verdict.samples = _samples(engine, compiler, spec, table, columns, dialect)
        out[spec.key] = (verdict, int((time.monotonic() - began) * 1000) + scan_ms)
    return out


def _integer_bounds(engine, compiler, table: TableRun, schema: pa.Schema) -> dict[int, tuple]:
    """Unique check id → (min, max) of its integer column, for the bitmap count (DuckDB only)."""
    if compiler.dialect != "duckdb":
        return {}
    names = set(schema.names)
    specs = [
        s
        for s in table.specs
        if s.check_type == "unique" and s.column in names and pa.types.is_integer(schema.field(s.column).type)
    ]
    if not specs:
        return {}
    row = engine.query(compiler.bounds_sql(specs)).to_pylist()[0]
    return {s.key: (row[f"lo{s.key}"], row[f"hi{s.key}"]) for s in specs}


def _verdict(engine, compiler, plan, spec, row, table, columns, now) -> Verdict:
    if spec.key in plan.invalid:
        return Verdict(False, message=f"could not run: {plan.invalid[spec.key]}", error=True)
    try:
        if spec.check_type == "schema_drift":
            return evaluate.schema_drift({c: "" for c in columns}, {c: "" for c in table.catalog_columns})
        if spec.key in plan.single:
            sql, params = plan.single[spec.key]
            return evaluate.from_count(spec, engine.query(sql, params).to_pylist()[0]["f"], row["n"])
        return evaluate.from_scan(spec, row, previous_rows=table.previous_rows.get(spec.key), now=now)
    except FAILURES as exc:
        return Verdict(False, message=f"could not run: {exc}", error=True)


def _samples(engine, compiler, spec, table, columns, dialect) -> list[dict]:
    """Up to five failing rows, L3 hashed and L4 or unclassified columns nulled in the query."""
    try:
        if spec.check_type == "custom_sql":  # its rows have the query's columns, not the table's
            columns = engine.query(f"select * from ({compiler.custom_query(spec)}) as q limit 0").schema.names  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
        masks = {name: _mask(table.levels.get(name), dialect) for name in columns}
        sql, params = compiler.sample_sql(spec, columns, masks, table.related)
        if "token_key" in sql:
            params["token_key"] = settings.WAREHOUSE_TOKEN_KEY
        rows = engine.query(sql, params).to_pylist()
    except FAILURES:
        return []
    return [{k: _plain(v) for k, v in r.items()} for r in rows]


def _mask(level: int | None, dialect: str) -> str:
    if level is not None and level <= 2:
        return "{}"
    return mask_sql("{}", "hash" if level == 3 else "null", dialect=dialect)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def monthly_series(columns: dict[str, tuple[str, str]], *, before: date) -> dict[str, dict[date, float]]:
    """Key → {month_start: value} of a monthly mart's column (`columns`: key → (relation, column)),
    months before `before` only; a mart that cannot be read is left out (and logged)."""
    dialect, out = settings.WAREHOUSE_BACKEND, {}
    with config.engine() as engine:
        for key, (relation, column) in columns.items():
            value = quote_identifier(column, dialect)
            sql = f"select month_start, {value} as v from {relation} where month_start < $before"  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
            try:
                rows = engine.query(sql, {"before": before}).to_pylist()
            except EngineError as exc:
                logger.warning("Metric %s: cannot read %s: %s", key, relation, exc)
                continue
            out[key] = {r["month_start"]: float(r["v"]) for r in rows if r["v"] is not None}
    return out
