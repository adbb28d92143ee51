"""Decode a batch of pgoutput row messages column by column with numpy, not value by value.

All row messages (I/U/D) of one table and schema version share one tuple layout. Joined into
one buffer, each column is read for every row at once: its kind byte, its length and where its
bytes start, and then the positions move on to the next column. Text values are gathered into
one Arrow string column per source column. This is what lets capture keep up with the server.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.cdc.decoder import DecodeError

TEXT, NULL, TOAST = 116, 110, 117  # t, n, u
NEW, KEY, OLD = 78, 75, 79  # N, K, O
OPS = {73: "c", 85: "u", 68: "d"}  # I, U, D


def _be16(buf, pos):
    return (buf[pos].astype(np.int64) << 8) | buf[pos + 1]


def _be32(buf, pos):
    return (
        (buf[pos].astype(np.int64) << 24) | (buf[pos + 1].astype(np.int64) << 16)
        | (buf[pos + 2].astype(np.int64) << 8) | buf[pos + 3]
    )  # fmt: skip


def _tuples(buf, pos, ncols: int):
    """Parse TupleData at each position: per column (kinds, starts, lengths), and the end positions."""
    if pos.size and (_be16(buf, pos) != ncols).any():
        raise DecodeError("row messages of one schema version disagree on the number of columns")
    pos = pos + 2
    columns = []
    for _ in range(ncols):
        kinds = buf[pos]
        if not np.isin(kinds, (TEXT, NULL, TOAST)).all():
            raise DecodeError("unknown tuple value kind (binary mode is not used)")
        is_text = kinds == TEXT
        lengths = np.where(is_text, _be32(buf, np.minimum(pos + 1, buf.size - 4)), 0)
        columns.append((kinds, pos + 5, lengths))
        pos = np.where(is_text, pos + 5 + lengths, pos + 1)
    if pos.size and pos.max() > buf.size - 8:  # 8 bytes of padding follow the last message
        raise DecodeError("message truncated in a tuple")
    return columns, pos


def _strings(buf, kinds, starts, lengths) -> pa.Array:
    """One Arrow string column from the byte ranges of its values; null where not text."""
    offsets = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    total = int(offsets[-1])
    index = np.repeat(starts - offsets[:-1], lengths) + np.arange(total, dtype=np.int64)
    data = buf[index] if total else np.zeros(0, np.uint8)
    array = pa.LargeStringArray.from_buffers(
        lengths.size, pa.py_buffer(offsets), pa.py_buffer(data.tobytes())
    )
    valid = kinds == TEXT
    if not valid.all():
        array = pc.if_else(pa.array(valid), array, pa.scalar(None, pa.large_string()))
    return array.cast(pa.string())


def decode_rows(payloads: list[bytes], ncols: int):
    """(ops, after columns, before columns or None, rows with a before-image) for row messages.

    After columns hold the new row (the old key/row for deletes); unchanged TOAST values are
    taken from the before-image where one was sent, else null.
    """
    sizes = np.fromiter(map(len, payloads), dtype=np.int64, count=len(payloads))
    starts = np.zeros(sizes.size, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    buf = np.frombuffer(b"".join(payloads) + b"\0" * 8, dtype=np.uint8)
    tags = buf[starts]
    marker = buf[starts + 5]
    has_before = np.isin(marker, (KEY, OLD)) & (tags != 73)
    if not np.isin(tags, tuple(OPS)).all() or (tags == 68)[~has_before].any():
        raise DecodeError("not a row message, or a delete without an old key or row")
    before_cols, before_end = _tuples(buf, starts[has_before] + 6, ncols)
    after_pos = starts + 6
    after_pos[has_before] = before_end + 1
    is_delete = tags == 68
    if (buf[after_pos[~is_delete] - 1] != NEW).any():
        raise DecodeError("insert or update without a new tuple")
    after_cols, after_end = _tuples(buf, after_pos[~is_delete], ncols)
    ends = starts + sizes  # each tuple must end exactly where its message does
    if (after_end != ends[~is_delete]).any() or (before_end[is_delete[has_before]] != ends[is_delete]).any():
        raise DecodeError("row message length does not match its tuple data")
    rows_after = np.flatnonzero(~is_delete)
    rows_before = np.flatnonzero(has_before)
    before = [_strings(buf, *c) for c in before_cols] if rows_before.size else None
    after = []
    for i, (kinds, col_starts, lengths) in enumerate(after_cols):
        full_kinds = np.full(sizes.size, NULL, dtype=np.uint8)
        full_starts = np.zeros(sizes.size, dtype=np.int64)
        full_lengths = np.zeros(sizes.size, dtype=np.int64)
        full_kinds[rows_after], full_starts[rows_after], full_lengths[rows_after] = kinds, col_starts, lengths
        if rows_before.size:  # deletes (and TOAST gaps) take the before-image's value
            b_kinds, b_starts, b_lengths = before_cols[i]
            take = is_delete[rows_before] | (full_kinds[rows_before] == TOAST)
            target = rows_before[take]
            full_kinds[target], full_starts[target], full_lengths[target] = (
                b_kinds[take],
                b_starts[take],
                b_lengths[take],
            )
        after.append(_strings(buf, full_kinds, full_starts, full_lengths))
    ops = pa.array([OPS[t] for t in tags.tolist()], pa.string()) if tags.size else pa.array([], pa.string())
    return ops, after, before, rows_before


def expand(array: pa.Array, rows: np.ndarray, count: int) -> pa.Array:
    """`array` holds values for `rows` only: spread it over `count` rows, null elsewhere."""
    index = np.full(count, -1, dtype=np.int64)
    index[rows] = np.arange(rows.size, dtype=np.int64)
    return pc.take(array, pa.array(index, mask=index < 0))
