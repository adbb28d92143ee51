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

from warehouse.cdc import columnar, decoder, pgtypes
from warehouse.lake import Lake

ROW_TAGS = frozenset(b"IUD")
META = [
    ("_op", pa.string()),
    ("_lsn", pa.int64()),
    ("_changed_at", pgtypes.TS),
    ("_xid", pa.int64()),
]


def lake_table(relation: decoder.Relation) -> str:
    """The raw lake table of a source table: its name, prefixed by its schema outside `public`."""
    name = relation.name if relation.namespace == "public" else f"{relation.namespace}_{relation.name}"
    return name.lower()


def arrow_schema(relation: decoder.Relation) -> pa.Schema:
    columns = [pa.field(c.name, pgtypes.arrow_type(c.type_oid, c.type_modifier)) for c in relation.columns]
    # The before-image (updates, deletes) as a struct of the same columns: columnar, typed, and
    # read by DuckDB's union_by_name even when the columns change between files.
    return pa.schema([*META, pa.field("_before", pa.struct(columns)), *columns])


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
    """Changes of one table and schema version: raw row messages (decoded together when
    published) and rows given as text tuples (truncates, snapshot rows)."""

    relation: decoder.Relation
    version: int
    payloads: list[bytes] = field(default_factory=list)
    lsns: list[int] = field(default_factory=list)
    times: list = field(default_factory=list)
    xids: list = field(default_factory=list)
    extra: list[tuple] = field(default_factory=list)  # (op, lsn, time, xid, values)

    @property
    def rows(self) -> int:
        return len(self.payloads) + len(self.extra)


def _typed_columns(rel: decoder.Relation, rows) -> list[pa.Array]:
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(rel.columns)
    return [pgtypes.from_text(pa.array(texts, pa.string()), col.type_oid, col.type_modifier)
            for col, texts in zip(rel.columns, columns, strict=True)]  # fmt: skip


def _typed(rel: decoder.Relation, texts: list[pa.Array]) -> list[pa.Array]:
    return [
        pgtypes.from_text(t, c.type_oid, c.type_modifier) for c, t in zip(rel.columns, texts, strict=True)
    ]


def _from_messages(group: _Group, schema: pa.Schema) -> pa.Table:
    rel, count = group.relation, len(group.payloads)
    ops, after, before, rows_before = columnar.decode_rows(group.payloads, len(rel.columns))
    struct_type = schema.field("_before").type
    if before is None:
        images = pa.nulls(count, struct_type)
    else:
        fields = _typed(rel, before)
        images = columnar.expand(
            pa.StructArray.from_arrays(fields, fields=list(struct_type)), rows_before, count
        )
    arrays = [ops, pa.array(group.lsns, pa.int64()), pa.array(group.times, pgtypes.TS),
              pa.array(group.xids, pa.int64()), images, *_typed(rel, after)]  # fmt: skip
    return pa.Table.from_arrays(arrays, schema=schema)


def _from_rows(group: _Group, schema: pa.Schema) -> pa.Table:
    ops, lsns, times, xids, values = zip(*group.extra, strict=True)
    arrays = [pa.array(ops, pa.string()), pa.array(lsns, pa.int64()), pa.array(times, pgtypes.TS),
              pa.array(xids, pa.int64()), pa.nulls(len(ops), schema.field("_before").type),
              *_typed_columns(group.relation, values)]  # fmt: skip
    return pa.Table.from_arrays(arrays, schema=schema)


def build_table(group: _Group) -> pa.Table:
    """The group as an Arrow table of the raw layout, with its `date` partition column."""
    schema = arrow_schema(group.relation)
    parts = [_from_messages(group, schema)] if group.payloads else []
    if group.extra:
        parts.append(_from_rows(group, schema))
    data = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    return data.append_column("date", pc.cast(pc.cast(data["_changed_at"], pa.date32()), pa.string()))


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
    _txn: dict = field(default_factory=dict)  # key → [relation, version, payloads, lsns, truncate lsns]
    _txn_rows: int = 0
    _begin: decoder.Begin | None = None
    _skip: bool = False

    # --- feeding ------------------------------------------------------------------------------
    def feed(self, payload: bytes, lsn: int) -> bool:
        """Add one pgoutput message (at WAL position `lsn`); True when a batch should be published."""
        if payload[0] in ROW_TAGS:  # the hot path: keep the message, decode a whole batch at publish
            if not self._skip:
                part = self._part(int.from_bytes(payload[1:5], "big"))
                part[2].append(payload)
                part[3].append(lsn)
                self._txn_rows += 1
            return False
        message = decoder.decode(payload)
        handler = getattr(self, f"_on_{type(message).__name__.lower()}")
        return bool(handler(message, lsn))

    def _part(self, oid: int) -> list:
        try:
            rel, version, key = self.relations[oid]
        except KeyError:
            raise decoder.DecodeError(f"change for relation {oid} before its relation message") from None
        part = self._txn.get(key)
        if part is None:
            part = self._txn[key] = [rel, version, [], [], []]
        return part

    def _on_relation(self, rel: decoder.Relation, lsn: int) -> None:
        # Relation messages carry no WAL position of their own: use the transaction's commit LSN.
        position = lsn or (self._begin.final_lsn if self._begin else self.checkpoint)
        version = self.schemas.version_for(lake_table(rel), rel, position)
        self.relations[rel.oid] = (rel, version, (lake_table(rel), version))

    def _on_begin(self, begin: decoder.Begin, lsn: int) -> None:
        self._begin, self._txn, self._txn_rows = begin, {}, 0
        self._skip = begin.final_lsn < self.checkpoint  # already in the lake: a replay after a crash

    def _on_change(self, change: decoder.Change, lsn: int) -> None:
        raise decoder.DecodeError("row messages take the fast path")  # pragma: no cover

    def _on_truncate(self, truncate: decoder.Truncate, lsn: int) -> None:
        if self._skip:
            return
        for oid in truncate.relation_oids:
            self._part(oid)[4].append(lsn)
            self._txn_rows += 1

    def _on_commit(self, commit: decoder.Commit, lsn: int) -> bool:
        if self._skip or not self._txn_rows:
            self._skip, self._txn, self._txn_rows = False, {}, 0
            if self.start_lsn is None and commit.end_lsn > self.checkpoint:
                self.checkpoint = commit.end_lsn  # an empty transaction: nothing to write, safe to confirm
            return self.rows > 0 and self._due()
        if self.start_lsn is None:
            self.start_lsn, self.opened_at = commit.commit_lsn, time.monotonic()
        at, xid = self._begin.commit_time.replace(tzinfo=None), self._begin.xid
        for key, (rel, version, payloads, lsns, truncates) in self._txn.items():
            group = self.groups.get(key) or self.groups.setdefault(key, _Group(rel, version))
            group.payloads.extend(payloads)
            group.lsns.extend(lsns)
            group.times.extend([at] * len(payloads))
            group.xids.extend([xid] * len(payloads))
            group.extra.extend(("t", t, at, xid, (None,) * len(rel.columns)) for t in truncates)
        self.rows += self._txn_rows
        self.end_lsn, self._txn, self._txn_rows = commit.end_lsn, {}, 0
        return self._due()

    def _on_ignored(self, message, lsn: int) -> None:
        return None

    def _due(self) -> bool:
        return self.rows >= self.max_rows or self.idle_due()

    def idle_due(self) -> bool:
        """True when an open batch has waited `max_seconds` (checked between messages too)."""
        return self.opened_at is not None and time.monotonic() - self.opened_at >= self.max_seconds

    # --- publishing ---------------------------------------------------------------------------
    def detach(self) -> Pending | None:
        """Hand the open batch over for writing and start a new one."""
        if self.end_lsn is None:
            return None
        pending = Pending(self.source, self.groups, self.start_lsn, self.end_lsn)
        self.checkpoint = self.end_lsn
        self.groups, self.rows, self.start_lsn, self.end_lsn, self.opened_at = {}, 0, None, None, None
        return pending

    def publish(self) -> tuple[int | None, Counter]:
        """Write the open batch now; (end LSN, rows per table)."""
        pending = self.detach()
        return (None, Counter()) if pending is None else (pending.end_lsn, pending.write(self.lake))


@dataclass
class Pending:
    """A closed batch: whole transactions between two LSNs, not yet in the lake."""

    source: str
    groups: dict[tuple[str, int], _Group]
    start_lsn: int
    end_lsn: int

    def write(self, lake: Lake) -> Counter:
        """Write every group as Parquet under raw/<table>/date=…/ (one file per date), named by LSN range."""
        counts = Counter()
        for (table, version), group in self.groups.items():
            data = build_table(group)
            name = batch_name(self.source, self.start_lsn, self.end_lsn, version)
            lake.write("raw", table, data, batch=name)
            counts[table] += data.num_rows
        return counts
