"""Turn decoded pgoutput messages into batches of raw change events, published to the lake.

Exactly-once in the lake rests on three rules:
- a batch holds whole transactions and its files are named after the source and the LSN range
  (commit LSN of its first transaction, end LSN of its last);
- the checkpoint (end LSN of the last published transaction) is saved only after every file of
  the batch is published, and the server is told only after that;
- after a crash, files of a batch beyond the checkpoint are deleted (`recover`) and transactions
  at or before the checkpoint are skipped when the server replays them.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from warehouse.cdc import decoder, pgtypes
from warehouse.lake import Lake

META = [
    ("_op", pa.string()),
    ("_lsn", pa.int64()),
    ("_changed_at", pgtypes.TS),
    ("_xid", pa.int64()),
    ("_before", pa.string()),
]


def lake_table(relation: decoder.Relation) -> str:
    """The raw lake table of a source table: its name, prefixed by its schema outside `public`."""
    name = relation.name if relation.namespace == "public" else f"{relation.namespace}_{relation.name}"
    return name.lower()


def arrow_schema(relation: decoder.Relation) -> pa.Schema:
    return pa.schema(
        [*META, *((c.name, pgtypes.arrow_type(c.type_oid, c.type_modifier)) for c in relation.columns)]
    )


def batch_name(source: str, start: int, end: int, version: int) -> str:
    return f"cdc-{source}-{start:016x}-{end:016x}-v{version}"


def _name_pattern(source: str) -> re.Pattern:
    return re.compile(rf"part-cdc-{re.escape(source)}-([0-9a-f]{{16}})-([0-9a-f]{{16}})-v\d+\.parquet$")


def recover(lake: Lake, source: str, checkpoint: int) -> list[str]:
    """Delete files of a batch that was being published when the consumer died (beyond the checkpoint)."""
    pattern, removed = _name_pattern(source), []
    for table in lake.tables("raw"):
        for path in lake.files("raw", table):
            match = pattern.search(path)
            if match and int(match.group(1), 16) >= checkpoint:
                lake.fs.delete_file(path)
                removed.append(path)
    return removed


@dataclass
class _Group:
    relation: decoder.Relation
    version: int
    rows: list[dict] = field(default_factory=list)


class SchemaRegistry:
    """What the capture needs from its state store for relations (Django-backed in production)."""

    def version_for(self, table: str, relation: decoder.Relation, lsn: int) -> int:  # pragma: no cover
        raise NotImplementedError


@dataclass
class Batcher:
    """Collects transactions; `ready` says when to publish, `publish` writes and returns the end LSN."""

    lake: Lake
    source: str
    schemas: SchemaRegistry
    checkpoint: int = 0
    max_rows: int = 50_000
    max_seconds: float = 5.0
    relations: dict[int, tuple[decoder.Relation, int]] = field(default_factory=dict)
    groups: dict[tuple[str, int], _Group] = field(default_factory=dict)
    rows: int = 0
    start_lsn: int | None = None
    end_lsn: int | None = None
    opened_at: float | None = None
    _txn: list = field(default_factory=list)
    _begin: decoder.Begin | None = None
    _skip: bool = False

    # --- feeding ------------------------------------------------------------------------------
    def feed(self, payload: bytes, lsn: int) -> bool:
        """Add one pgoutput message (at WAL position `lsn`); True when a batch should be published."""
        message = decoder.decode(payload)
        handler = getattr(self, f"_on_{type(message).__name__.lower()}")
        return bool(handler(message, lsn))

    def _on_relation(self, rel: decoder.Relation, lsn: int) -> None:
        # Relation messages carry no WAL position of their own: use the transaction's commit LSN.
        position = lsn or (self._begin.final_lsn if self._begin else self.checkpoint)
        self.relations[rel.oid] = (rel, self.schemas.version_for(lake_table(rel), rel, position))

    def _on_begin(self, begin: decoder.Begin, lsn: int) -> None:
        self._begin, self._txn = begin, []
        self._skip = begin.final_lsn < self.checkpoint  # already in the lake: a replay after a crash

    def _on_change(self, change: decoder.Change, lsn: int) -> None:
        if self._skip:
            return
        rel, version = self._relation(change.relation_oid)
        self._txn.append((rel, version, self._row(rel, change, lsn)))

    def _on_truncate(self, truncate: decoder.Truncate, lsn: int) -> None:
        if self._skip:
            return
        for oid in truncate.relation_oids:
            rel, version = self._relation(oid)
            self._txn.append((rel, version, self._meta("t", lsn, None)))

    def _on_commit(self, commit: decoder.Commit, lsn: int) -> bool:
        if self._skip or not self._txn:
            self._skip, self._txn = False, []
            if self.start_lsn is None and commit.end_lsn > self.checkpoint:
                self.checkpoint = commit.end_lsn  # an empty transaction: nothing to write, safe to confirm
            return self.rows > 0 and self._due()
        if self.start_lsn is None:
            self.start_lsn, self.opened_at = commit.commit_lsn, time.monotonic()
        for rel, version, row in self._txn:
            key = (lake_table(rel), version)
            self.groups.setdefault(key, _Group(rel, version)).rows.append(row)
        self.rows += len(self._txn)
        self.end_lsn, self._txn = commit.end_lsn, []
        return self._due()

    def _on_ignored(self, message, lsn: int) -> None:
        return None

    def _due(self) -> bool:
        return self.rows >= self.max_rows or self.idle_due()

    def idle_due(self) -> bool:
        """True when an open batch has waited `max_seconds` (checked between messages too)."""
        return self.opened_at is not None and time.monotonic() - self.opened_at >= self.max_seconds

    def _relation(self, oid: int) -> tuple[decoder.Relation, int]:
        try:
            return self.relations[oid]
        except KeyError:
            raise decoder.DecodeError(f"change for relation {oid} before its relation message") from None

    def _meta(self, op: str, lsn: int, before: dict | None) -> dict:
        return {
            "_op": op,
            "_lsn": lsn,
            "_changed_at": self._commit_time(),
            "_xid": self._begin.xid,
            "_before": pgtypes.dumps(before) if before else None,
        }

    def _commit_time(self):
        return self._begin.commit_time.replace(tzinfo=None)

    def _row(self, rel: decoder.Relation, change: decoder.Change, lsn: int) -> dict:
        before = _values(rel, change.before) if change.before is not None else None
        after = _values(rel, change.after) if change.after is not None else None
        if after and before:  # unchanged TOAST values: the old row (REPLICA IDENTITY FULL) has them
            after = {k: before.get(k) if v is decoder.UNCHANGED_TOAST else v for k, v in after.items()}
        row = self._meta(change.op, lsn, before if change.op != "c" else None)
        row.update(after if after is not None else before)
        return row

    # --- publishing ---------------------------------------------------------------------------
    def publish(self) -> tuple[int | None, Counter]:
        """Write every group as Parquet under raw/<table>/date=…/; returns (end LSN, rows per table)."""
        counts = Counter()
        for (table, version), group in self.groups.items():
            data = pa.Table.from_pylist(_clean(group.rows), schema=arrow_schema(group.relation))
            data = data.append_column("date", pc.strftime(data["_changed_at"], "%Y-%m-%d"))
            self.lake.write(
                "raw", table, data, batch=batch_name(self.source, self.start_lsn, self.end_lsn, version)
            )
            counts[table] += data.num_rows
        end = self.end_lsn if self.end_lsn is not None else None
        if end is not None:
            self.checkpoint = end
        self.groups, self.rows, self.start_lsn, self.end_lsn, self.opened_at = {}, 0, None, None, None
        return end, counts


def _values(rel: decoder.Relation, values: tuple) -> dict:
    return {
        col.name: (v if v is None or v is decoder.UNCHANGED_TOAST else _parse(col, v))
        for col, v in zip(rel.columns, values, strict=True)
    }


_PARSERS: dict[tuple[int, int], object] = {}


def _parse(col: decoder.Column, text: str):
    key = (col.type_oid, col.type_modifier)
    fn = _PARSERS.get(key) or _PARSERS.setdefault(key, pgtypes.parser(*key))
    return fn(text)


def _clean(rows: list[dict]) -> list[dict]:
    # An unchanged TOAST value without a before image cannot be known here: stored as null.
    return [{k: (None if v is decoder.UNCHANGED_TOAST else v) for k, v in row.items()} for row in rows]
