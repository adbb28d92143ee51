"""Writes of the access log: one INSERT per read; with PHI touched, the INSERT and one upsert of
the PHI counts in one transaction. A page that makes many reads can gather its rows into one
INSERT (`access_log_batch`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.utils import timezone

from warehouse.reads.catalog_lookup import CatalogColumn
from warehouse.reads.models import AccessLog, PhiColumnDailyAccess

_batch: ContextVar[list | None] = ContextVar("access_log_batch", default=None)


@contextmanager
def access_log_batch() -> Iterator[None]:
    """Write the log rows of the reads made inside the block in one INSERT when it ends.

    For pages that read a dozen metrics: one INSERT instead of one per read. The rows are written
    on the way out, also when the block raises, and before the caller can send anything it read,
    so no data leaves without its row; a failed write fails the page. Reads touching PHI still
    write at once, with their PHI counts, in their own transaction. Nested blocks join the outer one.
    """
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
    finally:
        entries = _batch.get()
        _batch.reset(token)
        if entries:
            AccessLog.objects.bulk_create(entries)


def access_log_write(
    *,
    user,
    roles: list[str],
    purpose: str,
    outcome: str,
    table: str,
    touched=(),
    masked=None,
    message: str = "",
    row_filter: str = "",
    row_count: int | None = None,
    duration_ms: int = 0,
    engine: str = "",
    query_digest: str = "",
    request_id: str = "",
    job: str = "",
) -> AccessLog:
    """Append the read to the log (and count PHI columns read, for allowed reads) atomically."""
    masked = masked or {}
    entry = AccessLog(
        at=timezone.now(),
        user=user,
        roles=roles,
        purpose=purpose,
        outcome=outcome,
        message=message,
        datasets=[table],
        columns=[
            {"table": table, "column": c.name, "level": c.code, "masked": masked.get(c.name, "")}
            for c in touched
        ],
        masked_columns=[f"{table}.{name}" for name in masked],
        row_filter=row_filter,
        row_count=row_count,
        duration_ms=duration_ms,
        engine=engine,
        query_digest=query_digest,
        request_id=request_id[:64],
        job=job[:200],
    )
    phi = [c for c in touched if c.is_phi] if outcome == AccessLog.Outcome.ALLOWED else []
    if not phi:
        batch = _batch.get()
        if batch is not None:
            batch.append(entry)
        else:
            entry.save()  # one INSERT is atomic by itself: no transaction round trips around it
        return entry
    # The row and its PHI counts commit together. Inside a caller's transaction they are part of
    # it (no savepoint): a failed log write fails the caller's work too, never a read without its row.
    with transaction.atomic(savepoint=False):
        entry.save()
        _count_phi(user, entry.at.date(), phi, masked, row_count or 0)
    return entry


def _count_phi(user, day, columns: list[CatalogColumn], masked: dict, rows: int) -> None:
    """One INSERT … ON CONFLICT for all PHI columns of the read (PostgreSQL and SQLite alike):
    counters grow in the database, so concurrent reads never lose an increment."""
    q = connection.ops.quote_name
    table = q(PhiColumnDailyAccess._meta.db_table)
    day_, user_, column_, reads, clear, rows_ = map(
        q, ("day", "user_id", "column_id", "reads", "reads_in_clear", "rows")
    )
    values = ", ".join(["(%s, %s, %s, 1, %s, %s)"] * len(columns))
    params = []
    for column in columns:
        params += [day, user.pk, column.pk, 0 if column.name in masked else 1, rows]
    with connection.cursor() as cursor:
        cursor.execute(
            f"insert into {table} ({day_}, {user_}, {column_}, {reads}, {clear}, {rows_}) values {values}"  # noqa: S608 # nosec B608 # the model's own quoted names
            f" on conflict ({day_}, {user_}, {column_}) do update set {reads} = {table}.{reads} + 1,"
            f" {clear} = {table}.{clear} + excluded.{clear}, {rows_} = {table}.{rows_} + excluded.{rows_}",
            params,
        )
