"""Writes of CDC: source set-up, the consumer's checkpoint and health, schema versions, alerts."""

from __future__ import annotations

import logging
from collections import Counter

import psycopg2
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from warehouse import config
from warehouse.cdc import lineage, pgtypes, source_setup
from warehouse.cdc.consumer import StateStore
from warehouse.cdc.decoder import Relation
from warehouse.cdc.models import CdcEvent, CdcSchemaVersion, CdcSource
from warehouse.cdc.snapshot import create_slot_and_snapshot

logger = logging.getLogger(__name__)


def _require(actor, perm: str = "warehouse.operate_cdcsource") -> None:
    if actor is not None and actor.is_authenticated and not actor.has_perm(perm):
        raise PermissionDenied("You may not operate change data capture.")


def cdc_source_setup(*, source: CdcSource, actor, replica_identity_full: bool = False) -> list[str]:
    """Check the source, create publication and slot (idempotent), take the first snapshot.

    Returns what was done, line by line; raises SetupError listing every problem found.
    """
    _require(actor)
    conn = source_setup.connect(source.dsn)
    try:
        found = source_setup.check(conn, source.tables)
        if found.problems:
            raise source_setup.SetupError(
                "The source is not ready for capture:\n- " + "\n- ".join(found.problems)
            )
        report = []
        if replica_identity_full and found.missing_full_identity:
            source_setup.set_full_identity(conn, found.missing_full_identity)
            report.append("Replica identity FULL set on " + ", ".join(found.missing_full_identity) + ".")
        else:
            report.extend(found.warnings)
        action = source_setup.ensure_publication(conn, source.publication, source.tables)
        report.append(f"Publication {source.publication}: {action}.")
        report.append(_ensure_slot(conn, source))
    finally:
        conn.close()
    _event(source, CdcEvent.Kind.SETUP, " ".join(report))
    return report


def _ensure_slot(conn, source: CdcSource) -> str:
    info = source_setup.slot_info(conn, source.slot)
    if info is not None and source.snapshot_lsn is not None:
        return f"Slot {source.slot}: exists (confirmed up to {info['confirmed_flush_lsn']})."
    if info is not None:  # a slot whose snapshot never finished: nothing was consumed from it yet
        source_setup.drop_slot(conn, source.slot)
    lsn, counts = create_slot_and_snapshot(
        source.dsn,
        slot=source.slot,
        tables=source.tables,
        lake=config.lake(),
        source=source.name,
        schemas=CdcStore(source),
    )
    with transaction.atomic():
        CdcSource.objects.filter(pk=source.pk).update(
            snapshot_lsn=lsn, snapshot_at=timezone.now(), confirmed_lsn=lsn
        )
        message = "Snapshot at {}: {}".format(
            source_setup.int_to_lsn(lsn), ", ".join(f"{t} {n} rows" for t, n in sorted(counts.items()))
        )
        _event(source, CdcEvent.Kind.SNAPSHOT, message, lsn)
    source.refresh_from_db()
    lineage.capture_job(source, sorted(counts))
    return f"Slot {source.slot}: created. {message}."


def _event(source: CdcSource, kind: str, message: str, lsn: int | None = None) -> CdcEvent:
    return CdcEvent.objects.create(source=source, kind=kind, message=message, lsn=lsn)


def describe(relation: Relation) -> list[dict]:
    return [
        {
            "name": c.name,
            "type": pgtypes.type_label(c.type_oid, c.type_modifier),
            "arrow": str(pgtypes.arrow_type(c.type_oid, c.type_modifier)),
            "key": c.is_key,
        }
        for c in relation.columns
    ]


def diff(old: list[dict], new: list[dict]) -> dict:
    before, after = {c["name"]: c["type"] for c in old}, {c["name"]: c["type"] for c in new}
    changes = {
        "added": [n for n in after if n not in before],
        "dropped": [n for n in before if n not in after],
        "retyped": [
            {"column": n, "from": before[n], "to": after[n]}
            for n in after
            if n in before and before[n] != after[n]
        ],
    }
    return {k: v for k, v in changes.items() if v}


class CdcStore(StateStore):
    """The consumer's state in the portal database (one per running consumer)."""

    def __init__(self, source: CdcSource):
        self.source = source
        self._versions: dict[str, tuple[int, list[dict]]] = {}

    def checkpoint(self) -> int:
        self.source.refresh_from_db(fields=["confirmed_lsn", "snapshot_lsn"])
        if self.source.snapshot_lsn is None:
            raise source_setup.NotSetUp(
                f"Source {self.source} has no initial snapshot: run `manage.py cdc_setup`."
            )
        return max(self.source.confirmed_lsn, self.source.snapshot_lsn)

    def version_for(self, table: str, relation: Relation, lsn: int) -> int:
        """The schema version of this shape, recording a new one when the shape changed."""
        columns = describe(relation)
        known = self._versions.get(table) or self._latest(table)
        if known and _shape(known[1]) == _shape(columns):
            self._versions[table] = known
            return known[0]
        changes = diff(known[1], columns) if known else {"new_table": relation.qualified}
        version = (known[0] if known else 0) + 1
        with transaction.atomic():
            CdcSchemaVersion.objects.create(
                source=self.source,
                table=table,
                source_table=relation.qualified,
                version=version,
                columns=columns,
                changes=changes,
                first_lsn=lsn,
            )
            _event(self.source, CdcEvent.Kind.SCHEMA, f"{table} v{version}: {changes}", lsn)
        self._versions[table] = (version, columns)
        lineage.schema_changed(self.source, table, relation.qualified, version, columns, changes)
        return version

    def _latest(self, table: str):
        row = (
            CdcSchemaVersion.objects.filter(source=self.source, table=table)
            .order_by("-version")
            .values_list("version", "columns")
            .first()
        )
        return tuple(row) if row else None

    def published(self, end_lsn: int, counts: Counter, seconds: float) -> None:
        total = sum(counts.values())
        CdcSource.objects.filter(pk=self.source.pk).update(
            confirmed_lsn=end_lsn,
            changes_total=F("changes_total") + total,
            batches_total=F("batches_total") + 1,
            last_batch_at=timezone.now(),
            heartbeat_at=timezone.now(),
            throughput=total / seconds,
        )

    def heartbeat(self, lag_bytes, retained_bytes, lag_seconds) -> None:
        cdc_lag_record(
            source=self.source,
            lag_bytes=lag_bytes,
            retained_bytes=retained_bytes,
            lag_seconds=lag_seconds,
            actor=None,
        )

    def error(self, message: str) -> None:
        with transaction.atomic():
            CdcSource.objects.filter(pk=self.source.pk).update(
                errors_total=F("errors_total") + 1, last_error=message, last_error_at=timezone.now()
            )
            _event(self.source, CdcEvent.Kind.ERROR, message)

    def recovered(self, message: str) -> None:
        _event(self.source, CdcEvent.Kind.RECOVERED, message)


def _shape(columns: list[dict]) -> list[tuple]:
    # Key flags differ between a catalog read and a relation message under REPLICA IDENTITY FULL.
    return [(c["name"], c["type"]) for c in columns]


def cdc_lag_record(*, source: CdcSource, lag_bytes, retained_bytes, lag_seconds, actor) -> CdcSource:
    """Store a lag measurement and raise (or clear) the alert against the source's thresholds."""
    _require(actor)
    over = [
        f"slot retains {retained_bytes:,} bytes of WAL (limit {source.lag_alert_bytes:,})"
        for _ in [0]
        if retained_bytes is not None and retained_bytes > source.lag_alert_bytes
    ] + [
        f"lake is {lag_seconds:.0f} s behind (limit {source.lag_alert_seconds} s)"
        for _ in [0]
        if lag_seconds is not None and lag_seconds > source.lag_alert_seconds
    ]
    with transaction.atomic():
        source = CdcSource.objects.select_for_update().get(pk=source.pk)
        if over and not source.alerting:
            _event(source, CdcEvent.Kind.ALERT, "; ".join(over))
            logger.error("CDC source %s: %s", source, "; ".join(over))
        source.lag_bytes, source.retained_bytes, source.lag_seconds = lag_bytes, retained_bytes, lag_seconds
        source.alerting, source.lag_checked_at, source.heartbeat_at = (
            bool(over),
            timezone.now(),
            timezone.now(),
        )
        source.save(
            update_fields=[
                "lag_bytes",
                "retained_bytes",
                "lag_seconds",
                "alerting",
                "lag_checked_at",
                "heartbeat_at",
            ]
        )
    return source


def cdc_source_configure(
    *, name: str, actor, dsn: str | None = None, tables: list[str] | None = None, **settings
) -> CdcSource:
    """Create a source or change its connection, tables or batch/alert settings."""
    _require(actor)
    with transaction.atomic():
        source = CdcSource.objects.select_for_update().filter(name=name).first()
        if source is None:
            if not dsn or not tables:
                raise source_setup.SetupError(
                    f"No CDC source named {name!r}: give --dsn and --table to create it."
                )
            source = CdcSource(name=name)
        if dsn:
            source.dsn = dsn
        if tables:
            source.tables = list(tables)
        for key, value in settings.items():
            if value is not None:
                setattr(source, key, value)
        source.full_clean()
        source.save()
    return source


def cdc_source_poll(*, source: CdcSource, actor, max_changes: int = 200_000) -> Counter:
    """One polling round for a source in polling mode (the Celery task's body)."""
    from warehouse.cdc.poller import poll_once

    _require(actor)
    store = CdcStore(source)
    try:
        counts = poll_once(
            dsn=source.dsn,
            source=source.name,
            slot=source.slot,
            publication=source.publication,
            lake=config.lake(),
            store=store,
            max_changes=max_changes,
        )
    except (source_setup.SetupError, psycopg2.Error) as exc:
        store.error(f"Polling failed: {str(exc).strip()}")
        raise
    cdc_source_measure(source=source, actor=actor)
    return counts


def cdc_source_measure(*, source: CdcSource, actor) -> CdcSource:
    """Measure the slot's lag at the source now and raise or clear the alert."""
    _require(actor)
    try:
        conn = source_setup.connect(source.dsn)
        try:
            measured = source_setup.lag(conn, source.slot)
        finally:
            conn.close()
    except source_setup.SetupError as exc:
        CdcStore(source).error(str(exc))
        return source
    if measured is None:
        CdcStore(source).error(f"Slot {source.slot} is missing at the source.")
        return source
    source.refresh_from_db()
    since = source.last_batch_at or source.snapshot_at
    behind = (timezone.now() - since).total_seconds() if measured[0] > 0 and since else 0.0
    return cdc_lag_record(
        source=source, lag_bytes=measured[0], retained_bytes=measured[1], lag_seconds=behind, actor=actor
    )
