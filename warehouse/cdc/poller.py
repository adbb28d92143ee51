"""Polling capture over an ordinary connection, for sources where a long-running consumer is unwanted.

The changes are read with `pg_logical_slot_peek_binary_changes` (same pgoutput bytes, same
decoder and batcher as streaming) and the slot is advanced with `pg_replication_slot_advance`
only after the batch is published. `pg_logical_slot_get_binary_changes` would consume the
changes at read time, before they are in the lake: a crash then would lose them.
"""

from __future__ import annotations

import time
from collections import Counter

from warehouse.cdc import batch
from warehouse.cdc.consumer import StateStore
from warehouse.cdc.source_setup import connect, lsn_to_int, slot_info
from warehouse.lake import Lake

FETCH = 10_000


def poll_once(*, dsn: str, source: str, slot: str, publication: str, lake: Lake, store: StateStore,
              max_changes: int = 200_000) -> Counter:  # fmt: skip
    """Publish what the slot holds (up to about `max_changes`, whole transactions), then advance it."""
    checkpoint = store.checkpoint()
    removed = batch.recover(lake, source, checkpoint)
    if removed:
        store.recovered(f"Deleted {len(removed)} file(s) of a batch interrupted before its checkpoint.")
    batcher = batch.Batcher(lake, source, store, checkpoint=checkpoint, max_rows=10**12, max_seconds=10**9)
    started = time.monotonic()
    conn = connect(dsn)
    try:
        if slot_info(conn, slot) is None:
            from warehouse.cdc.consumer import MissingSlot

            raise MissingSlot(
                f"Replication slot '{slot}' does not exist at the source: run `manage.py cdc_setup`."
            )
        with conn.cursor(name="cdc_poll") as cur:
            cur.itersize = FETCH
            cur.execute(
                "select lsn::text, data from pg_logical_slot_peek_binary_changes(%s, NULL, %s,"
                " 'proto_version', '1', 'publication_names', %s)",
                [slot, max_changes, publication],
            )
            for lsn, data in cur:
                batcher.feed(bytes(data), lsn_to_int(lsn))
        conn.commit()
        end, counts = batcher.publish() if batcher.rows else (None, Counter())
        if end is not None:
            store.published(end, counts, max(time.monotonic() - started, 1e-6))
        target = end if end is not None else batcher.checkpoint
        if target and target > lsn_to_int(slot_info(conn, slot)["confirmed_flush_lsn"]):
            with conn.cursor() as cur:
                cur.execute("select pg_replication_slot_advance(%s, %s::pg_lsn)", [slot, _lsn_text(target)])
            conn.commit()
    finally:
        conn.close()
    return counts


def _lsn_text(value: int) -> str:
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"
