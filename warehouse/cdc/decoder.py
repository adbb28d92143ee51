"""Decode pgoutput (protocol version 1) messages into plain Python objects.

Message layouts follow PostgreSQL's "Logical Replication Message Formats" chapter. Values
arrive in text form; turning them into typed values is `pgtypes`' job, not this module's.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
UNCHANGED_TOAST = object()  # an unchanged TOASTed value the server did not send again


class DecodeError(ValueError):
    """The message is not valid pgoutput v1."""


@dataclass(frozen=True)
class Column:
    name: str
    type_oid: int
    type_modifier: int
    is_key: bool


@dataclass(frozen=True)
class Relation:
    oid: int
    namespace: str
    name: str
    replica_identity: str  # d(efault), n(othing), f(ull), i(ndex)
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def qualified(self) -> str:
        return f"{self.namespace}.{self.name}"


@dataclass(frozen=True)
class Begin:
    final_lsn: int
    commit_time: datetime
    xid: int


@dataclass(frozen=True)
class Commit:
    commit_lsn: int
    end_lsn: int
    commit_time: datetime


@dataclass
class Change:
    """One row change; `before` is the old key (K) or full old row (O) when the server sent one."""

    op: str  # c, u, d
    relation_oid: int
    after: tuple | None = None
    before: tuple | None = None
    before_kind: str = ""


@dataclass(frozen=True)
class Truncate:
    relation_oids: tuple[int, ...]
    cascade: bool
    restart_identity: bool


@dataclass(frozen=True)
class Ignored:
    """Type, origin and logical messages: nothing the lake needs."""

    tag: str


@dataclass
class _Reader:
    data: bytes
    pos: int = field(default=0)

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise DecodeError(f"message truncated at byte {self.pos}")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def byte(self) -> str:
        return chr(self.take("!B"))

    def string(self) -> str:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise DecodeError("unterminated string")
        value = self.data[self.pos : end].decode()
        self.pos = end + 1
        return value

    def raw(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise DecodeError("value runs past the end of the message")
        value = self.data[self.pos : self.pos + size]
        self.pos += size
        return value


def pg_time(micros: int) -> datetime:
    return PG_EPOCH + timedelta(microseconds=micros)


def decode(data: bytes):
    """One pgoutput message → Begin, Commit, Relation, Change, Truncate or Ignored."""
    if not data:
        raise DecodeError("empty message")
    reader = _Reader(bytes(data), 1)
    tag = chr(data[0])
    parser = _PARSERS.get(tag)
    if parser is None:
        if tag in "YOM":
            return Ignored(tag)
        raise DecodeError(f"unknown pgoutput message type {tag!r}")
    return parser(reader)


def _begin(r: _Reader) -> Begin:
    final_lsn, ts, xid = r.take("!QqI")
    return Begin(final_lsn, pg_time(ts), xid)


def _commit(r: _Reader) -> Commit:
    _flags, commit_lsn, end_lsn, ts = r.take("!BQQq")
    return Commit(commit_lsn, end_lsn, pg_time(ts))


def _relation(r: _Reader) -> Relation:
    oid = r.take("!I")
    namespace, name = r.string(), r.string()
    identity = r.byte()
    columns = []
    for _ in range(r.take("!H")):
        flags = r.take("!B")
        col_name = r.string()
        type_oid, typmod = r.take("!Ii")
        columns.append(Column(col_name, type_oid, typmod, bool(flags & 1)))
    return Relation(oid, namespace or "pg_catalog", name, identity, tuple(columns))


def _tuple(r: _Reader) -> tuple:
    values, r.pos = tuple_at(r.data, r.pos)
    return values


def tuple_at(data: bytes, pos: int) -> tuple[tuple, int]:
    """TupleData at `pos` → (values, position after it). Text values stay UTF-8 bytes: Arrow
    decodes whole columns at once. The hot loop of capture, hence plain indexing."""
    try:
        count = (data[pos] << 8) | data[pos + 1]
        pos += 2
        values = []
        append = values.append
        for _ in range(count):
            kind = data[pos]
            if kind == 116:  # t: text
                end = pos + 5 + int.from_bytes(data[pos + 1 : pos + 5], "big")
                if end > len(data):
                    raise DecodeError("value runs past the end of the message")
                append(data[pos + 5 : end])
                pos = end
            elif kind == 110:  # n: null
                append(None)
                pos += 1
            elif kind == 117:  # u: unchanged TOAST
                append(UNCHANGED_TOAST)
                pos += 1
            else:
                raise DecodeError(f"unknown tuple value kind {chr(kind)!r} (binary mode is not used)")
    except IndexError:
        raise DecodeError("message truncated in a tuple") from None
    return tuple(values), pos


def row_change(data: bytes) -> tuple[str, int, tuple | None, tuple | None]:
    """Fast path for I/U/D messages: (op, relation oid, before, after) without building objects."""
    tag = data[0]
    oid = int.from_bytes(data[1:5], "big")
    if tag == 73:  # I
        if data[5] != 78:
            raise DecodeError("insert without a new tuple")
        return "c", oid, None, tuple_at(data, 6)[0]
    if tag == 85:  # U
        before, pos = None, 5
        if data[pos] in (75, 79):  # K, O
            before, pos = tuple_at(data, pos + 1)
        if data[pos] != 78:
            raise DecodeError("update without a new tuple")
        return "u", oid, before, tuple_at(data, pos + 1)[0]
    if data[5] not in (75, 79):
        raise DecodeError("delete without an old key or row")
    return "d", oid, tuple_at(data, 6)[0], None


def _insert(r: _Reader) -> Change:
    oid = r.take("!I")
    if r.byte() != "N":
        raise DecodeError("insert without a new tuple")
    return Change("c", oid, after=_tuple(r))


def _update(r: _Reader) -> Change:
    oid = r.take("!I")
    change = Change("u", oid)
    kind = r.byte()
    if kind in "KO":
        change.before, change.before_kind = _tuple(r), kind
        kind = r.byte()
    if kind != "N":
        raise DecodeError("update without a new tuple")
    change.after = _tuple(r)
    return change


def _delete(r: _Reader) -> Change:
    oid = r.take("!I")
    kind = r.byte()
    if kind not in "KO":
        raise DecodeError("delete without an old key or row")
    return Change("d", oid, before=_tuple(r), before_kind=kind)


def _truncate(r: _Reader) -> Truncate:
    count, options = r.take("!IB")
    oids = tuple(r.take("!I") for _ in range(count))
    return Truncate(oids, bool(options & 1), bool(options & 2))


_PARSERS = {
    "B": _begin,
    "C": _commit,
    "R": _relation,
    "I": _insert,
    "U": _update,
    "D": _delete,
    "T": _truncate,
}
