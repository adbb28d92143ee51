"""Metric reads cached per warehouse run and per reader's access (docs/reporting.md, "Cache").

    cached_read(user=…, query=ReadQuery(…), purpose=…, freshness=current_freshness())

Before anything is served the reader's access is decided afresh (their active policies, grants
and tenant key, the table's column levels and masking methods: the same look-ups the read path
makes), so a retired policy or an expired grant counts on the next read, cached or not. The key
holds the query, the run's version and everything that shapes the answer for this reader
(clearance, row filter, tenant, the masking of the columns read): two readers share an entry only
when the read path would give them the same rows. A denied reader never reaches the cache: the
read path refuses and logs them.

A hit writes its own AccessLog row (engine "metric-cache", the first read's query digest, masked
columns and row count), so the log keeps one row per read whoever served it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from reporting.freshness import Freshness
from warehouse import config as warehouse_config
from warehouse.reads.catalog_lookup import CatalogTable, table_lookup
from warehouse.reads.log import access_log_write
from warehouse.reads.models import AccessLog, AccessPolicy
from warehouse.reads.policies import Access, Reader, dataset_access, reader_policies
from warehouse.reads.query import ReadDenied, ReadInvalid, ReadQuery
from warehouse.reads.service import governed_read

CACHE_ENGINE = "metric-cache"
DEFAULT_SECONDS = 24 * 3600  # keys change with every run; this only bounds memory


@dataclass(frozen=True)
class CachedRows:
    """What a read returned, with what its log row needs to be written again on a hit."""

    rows: list[dict]
    masked: dict[str, str]
    touched: tuple[str, ...]
    query_digest: str


@dataclass(frozen=True)
class MetricRead:
    rows: list[dict]
    masked: dict[str, str]
    cached: bool
    log: AccessLog


def cached_read(
    *, user, query: ReadQuery, purpose: str, freshness: Freshness, request_id: str = ""
) -> MetricRead:
    """The rows of `query` for `user`, from the cache when this run and this access already read them."""
    started = time.perf_counter()
    reader = reader_policies(user)
    try:
        table = table_lookup(query.table, warehouse_config.engine_config(read_only=True))
        access = dataset_access(user, table.dataset, reader)
    except ReadInvalid:
        table = access = None
    if access is None:  # unknown table or no access: the read path refuses, and logs the refusal
        governed_read(user=user, purpose=purpose, query=query, request_id=request_id)
        raise ReadDenied("You may not read this metric's mart.")  # not reached: the read path raised
    key = cache_key(query, freshness, reader, table, access)
    hit: CachedRows | None = cache.get(key)
    if hit is not None:
        log = _log_hit(user, reader, query, table, access, hit, purpose, request_id, freshness, started)
        return MetricRead(rows=hit.rows, masked=hit.masked, cached=True, log=log)
    result = governed_read(user=user, purpose=purpose, query=query, request_id=request_id)
    entry = CachedRows(
        rows=result.data.to_pylist(),
        masked=dict(result.masked),
        touched=tuple(c["column"] for c in result.log.columns),
        query_digest=result.log.query_digest,
    )
    cache.set(key, entry, getattr(settings, "REPORTING_CACHE_SECONDS", DEFAULT_SECONDS))
    return MetricRead(rows=entry.rows, masked=entry.masked, cached=False, log=result.log)


def cache_key(
    query: ReadQuery, freshness: Freshness, reader: Reader, table: CatalogTable, access: Access
) -> str:
    """A digest of the query, the run and everything about this reader's access that shapes the rows."""
    own_rows = access.row_filter == AccessPolicy.RowFilter.OWN_ORGANIZATION
    columns = sorted((c.name, c.level, c.masking) for c in table.columns.values())
    parts = (
        repr(query),
        freshness.version,
        access.clearance_level,
        access.row_filter,
        reader.tenant_id if own_rows else None,
        columns,
        settings.WAREHOUSE_BACKEND,
        settings.WAREHOUSE_DUCKDB_PATH,
    )
    return "reporting:read:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _log_hit(user, reader, query, table, access, hit: CachedRows, purpose, request_id, freshness, started):
    return access_log_write(
        user=user,
        roles=[name for _, name in reader.roles],
        purpose=purpose,
        outcome=AccessLog.Outcome.ALLOWED,
        table=query.table,
        touched=[table.columns[name] for name in hit.touched if name in table.columns],
        masked=hit.masked,
        message=f"Served from the metric cache of {freshness}.",
        row_filter=access.row_filter,
        row_count=len(hit.rows),
        duration_ms=int((time.perf_counter() - started) * 1000),
        engine=CACHE_ENGINE,
        query_digest=hit.query_digest,
        request_id=request_id,
    )
