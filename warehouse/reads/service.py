"""The one read path of warehouse data (docs/warehouse-access.md).

    governed_read(user=…, purpose=AccessLog.Purpose.DASHBOARD, query=ReadQuery("marts.mart_x", …))

Steps, in order: the table and every column named are looked up in the catalog (unknown =>
ReadInvalid, nothing run); the user's active policies decide clearance and row filter (none =>
ReadDenied); the query is compiled with columns above the clearance masked inside the SQL and
the tenant filter in its WHERE; it runs on the configured engine (or the one passed in, so
callers can reuse a connection); one AccessLog row records the read, whatever its outcome.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings

from catalog.models import Dataset
from warehouse import config as warehouse_config
from warehouse.engine import Engine, EngineError, quote_identifier, quote_path
from warehouse.reads.catalog_lookup import CatalogTable, table_lookup, warehouse_datasets
from warehouse.reads.compile import TENANT_COLUMN, Compiled, compile_read
from warehouse.reads.log import access_log_write
from warehouse.reads.models import AccessLog, AccessPolicy
from warehouse.reads.policies import Access, Reader, dataset_access, datasets_access, reader_policies
from warehouse.reads.query import ReadDenied, ReadInvalid, ReadQuery, ReadResult

OWN_ORGANIZATION = AccessPolicy.RowFilter.OWN_ORGANIZATION


@dataclass(frozen=True)
class TableAccess:
    """A table the user may read, and how."""

    table: str  # the engine's `schema.table`
    dataset: Dataset
    clearance: str  # "L2": columns above it are masked
    row_filter: str


def governed_read(
    *, user, purpose: str, query: ReadQuery, request_id: str = "", job: str = "", engine: Engine | None = None
) -> ReadResult:
    """Read warehouse data as `user` for `purpose`; see the module docstring for the steps."""
    if purpose not in AccessLog.Purpose.values:
        raise ValueError(f"Unknown read purpose {purpose!r}; use one of AccessLog.Purpose.")
    started = time.perf_counter()
    reader = reader_policies(user)
    config = engine.config if engine is not None else warehouse_config.engine_config(read_only=True)
    entry = {
        "user": user,
        "roles": [name for _, name in reader.roles],
        "purpose": purpose,
        "table": str(getattr(query, "table", ""))[:300],
        "request_id": request_id,
        "job": job,
        "engine": config.backend,
    }
    table = compiled = access = None
    try:
        if not isinstance(query, ReadQuery) or not isinstance(query.table, str):
            raise ReadInvalid("A read takes a ReadQuery naming one table as `schema.table`.")
        table = table_lookup(query.table, config)
        access = dataset_access(user, table.dataset, reader)
        if access is None:
            raise ReadDenied(_denied_message(query.table, entry["roles"]))
        compiled = _compile(query, reader, table, access, config, engine)
    except (ReadInvalid, ReadDenied) as exc:
        access_log_write(
            **entry,
            outcome=AccessLog.Outcome.DENIED,
            message=str(exc),
            row_filter=access.row_filter if access else "",
            duration_ms=_ms(started),
        )
        raise
    return _run(query, compiled, access, config, engine, entry, started)


def readable_tables(user) -> list[TableAccess]:
    """Every live warehouse table the user may read, with clearance and row filter (two queries)."""
    reader = reader_policies(user)
    tables = warehouse_datasets(warehouse_config.engine_config(read_only=True))
    decided = datasets_access(user, list(tables.values()), reader)
    return [
        TableAccess(
            table=name, dataset=dataset, clearance=access.clearance_code, row_filter=access.row_filter
        )
        for name, dataset in sorted(tables.items())
        if (access := decided.get(dataset.pk)) is not None
    ]


def _compile(query, reader: Reader, table: CatalogTable, access: Access, config, engine) -> Compiled:
    tenant_id = _tenant_id(reader, table) if access.row_filter == OWN_ORGANIZATION else None
    table_sql = engine.quote(query.table) if engine is not None else _quote(query.table, config)
    return compile_read(
        query,
        table=table,
        table_sql=table_sql,
        dialect=config.backend,
        clearance_level=access.clearance_level,
        methods=table.methods,
        tenant_id=tenant_id,
    )


def _run(query, compiled: Compiled, access: Access, config, engine, entry, started) -> ReadResult:
    params = dict(compiled.params)
    if compiled.hashes:
        params["token_key"] = settings.WAREHOUSE_TOKEN_KEY
    written = {
        "touched": compiled.touched,
        "masked": compiled.masked,
        "row_filter": access.row_filter,
        "query_digest": hashlib.sha256(compiled.sql.encode()).hexdigest(),
    }
    own = engine is None
    try:
        engine = engine or warehouse_config.engine(read_only=True)
        data = engine.query(compiled.sql, params)
    except EngineError as exc:
        access_log_write(
            **entry,
            **written,
            outcome=AccessLog.Outcome.FAILED,
            message=str(exc)[:2000],
            duration_ms=_ms(started),
        )
        raise
    finally:
        if own and engine is not None:
            engine.close()
    truncated = data.num_rows > compiled.limit  # the SQL asked for one row more than the limit
    if truncated:
        data = data.slice(0, compiled.limit)
    log = access_log_write(
        **entry,
        **written,
        outcome=AccessLog.Outcome.ALLOWED,
        row_count=data.num_rows,
        duration_ms=_ms(started),
    )
    return ReadResult(data=data, masked=dict(compiled.masked), log=log, truncated=truncated)


def _tenant_id(reader: Reader, table: CatalogTable) -> int:
    """The reader's tenant key; without one (or without a tenant column) nothing may be read."""
    if TENANT_COLUMN not in table.columns:
        raise ReadDenied(
            f"{table.engine_name} has no {TENANT_COLUMN} column, so it cannot be limited to your"
            " organisation's rows: it is not readable for you."
        )
    if reader.tenant_id is None:
        raise ReadDenied(
            "Your organisation has no warehouse tenant key, so no rows can be shown to you;"
            " ask a data steward to link it."
        )
    return reader.tenant_id


def _quote(table: str, config) -> str:
    """The table as the backend quotes it (before any connection is opened)."""
    schema, name = table.split(".")
    if config.backend == "bigquery":  # one quoted identifier holds project.dataset.table
        return quote_identifier(
            f"{config.bigquery_project}.{config.dataset_prefix}{schema}.{name}", "bigquery"
        )
    return quote_path(schema, name, dialect="duckdb")


def _denied_message(table: str, roles: list[str]) -> str:
    held = ", ".join(roles) or "no role"
    return (
        f"You may not read {table}: none of your roles ({held}) has an active warehouse access policy"
        " for it. Ask its data owner for access."
    )


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
