"""pgoutput decoding on hand-built messages: values, before-images, TOAST gaps, bad input."""

import struct
from datetime import UTC, datetime

import pytest

from warehouse.cdc import columnar, decoder


def tup(*values):
    out = struct.pack("!H", len(values))
    for v in values:
        if v is None:
            out += b"n"
        elif v is decoder.UNCHANGED_TOAST:
            out += b"u"
        else:
            data = v.encode()
            out += b"t" + struct.pack("!I", len(data)) + data
    return out


def insert(*values):
    return b"I" + struct.pack("!I", 42) + b"N" + tup(*values)


def update(after, before=None, kind=b"O"):
    head = b"U" + struct.pack("!I", 42)
    return head + (kind + tup(*before) if before else b"") + b"N" + tup(*after)


def delete(before, kind=b"K"):
    return b"D" + struct.pack("!I", 42) + kind + tup(*before)


def test_begin_commit_and_relation_messages():
    begin = decoder.decode(b"B" + struct.pack("!QqI", 0x1_0000_0010, 86_400_000_000, 777))
    assert begin == decoder.Begin(0x1_0000_0010, datetime(2000, 1, 2, tzinfo=UTC), 777)
    commit = decoder.decode(b"C" + struct.pack("!BQQq", 0, 100, 120, 0))
    assert (commit.commit_lsn, commit.end_lsn) == (100, 120)
    relation = decoder.decode(
        b"R" + struct.pack("!I", 42) + b"public\0users\0" + b"f" + struct.pack("!H", 2)
        + b"\x01user_id\0" + struct.pack("!Ii", 20, -1) + b"\x00email\0" + struct.pack("!Ii", 1043, 44)
    )  # fmt: skip
    assert relation.qualified == "public.users" and relation.replica_identity == "f"
    assert [(c.name, c.type_oid, c.type_modifier, c.is_key) for c in relation.columns] == [
        ("user_id", 20, -1, True), ("email", 1043, 44, False)
    ]  # fmt: skip
    truncate = decoder.decode(b"T" + struct.pack("!IBII", 2, 1, 42, 43))
    assert truncate == decoder.Truncate((42, 43), cascade=True, restart_identity=False)


def test_columnar_decoding_of_inserts_updates_and_deletes():
    payloads = [
        insert("1", "a@x", None),
        update(["1", "b@x", decoder.UNCHANGED_TOAST], before=["1", "a@x", "long text"]),
        update(["2", "c@x", "z"]),  # no before-image: key unchanged, identity DEFAULT
        delete(["1", None, None]),  # key-only before-image
    ]
    ops, after, before, rows_before = columnar.decode_rows(payloads, 3)
    assert ops.to_pylist() == ["c", "u", "u", "d"]
    assert [c.to_pylist() for c in after] == [["1", "1", "2", "1"], ["a@x", "b@x", "c@x", None],
                                              [None, "long text", "z", None]]  # fmt: skip
    assert rows_before.tolist() == [1, 3]
    assert [c.to_pylist() for c in before] == [["1", "1"], ["a@x", None], ["long text", None]]


@pytest.mark.parametrize(
    "payload",
    [insert("1", "a")[:-1], insert("1", "a", "b"), b"I" + struct.pack("!I", 42) + b"X" + tup("1", "a"),
     b"I" + struct.pack("!I", 42) + b"N" + struct.pack("!H", 2) + b"b" + b"t" + struct.pack("!I", 1) + b"a"],
)  # fmt: skip
def test_malformed_row_messages_are_refused(payload):
    with pytest.raises(decoder.DecodeError):
        columnar.decode_rows([insert("9", "ok"), payload], 2)
    with pytest.raises(decoder.DecodeError):
        columnar.decode_rows([payload, insert("9", "ok")], 2)  # not at the end: no reading into the next


@pytest.mark.parametrize("payload", [b"", b"Z123", b"B\x00\x01", b"R" + struct.pack("!I", 1) + b"public"])
def test_malformed_messages_are_refused(payload):
    with pytest.raises(decoder.DecodeError):
        decoder.decode(payload)
