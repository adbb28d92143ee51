"""The streaming consumer: pgoutput over a replication connection into lake batches.

The server is told a position is flushed only after the batch ending there is published and
checkpointed (`send_feedback(..., force=True)`: without `force` psycopg2 waits for the next
status interval, and a stop before then makes the server replay). A lost connection (source
restart) is retried with back-off from the last checkpoint; SIGTERM ends the loop after the
message in hand, publishing the whole transactions already received.
"""

from __future__ import annotations

import logging
import select
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg2
from psycopg2.extras import LogicalReplicationConnection

from warehouse.cdc import batch
from warehouse.cdc.source_setup import NotSetUp, SetupError, connect, lag, slot_info
from warehouse.lake import Lake

logger = logging.getLogger(__name__)


class StateStore(batch.SchemaRegistry):
    """Where the consumer keeps its checkpoint and reports health (Django-backed: services.CdcStore)."""

    def checkpoint(self) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def published(self, end_lsn: int, counts: Counter, seconds: float) -> None:  # pragma: no cover
        raise NotImplementedError

    def heartbeat(self, lag_bytes: int | None, retained_bytes: int | None, lag_seconds: float | None) -> None:
        """Optional."""

    def error(self, message: str) -> None:
        """Optional."""

    def recovered(self, message: str) -> None:
        """Optional."""


@dataclass
class Options:
    dsn: str
    source: str
    slot: str
    publication: str
    max_rows: int = 50_000
    max_seconds: float = 5.0
    heartbeat_seconds: float = 10.0
    retry_seconds: float = 1.0
    max_retry_seconds: float = 30.0
    max_attempts: int | None = None  # None: retry for ever (the service case)
    stop_after_changes: int | None = None  # benchmarks: stop at the first commit past this many changes


@dataclass
class Consumer:
    options: Options
    lake: Lake
    store: StateStore
    stop_requested: bool = False
    stats: Counter = field(default_factory=Counter)
    _in_flight: tuple | None = None
    _confirmed: int = 0
    _writer: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "cdc-writer"))

    def request_stop(self, *_args) -> None:
        self.stop_requested = True

    def run(self, *, until_idle: float | None = None) -> Counter:
        """Stream until stopped (or, for tests and catch-up runs, until idle for `until_idle` s)."""
        attempts, delay = 0, self.options.retry_seconds
        while not self.stop_requested:
            try:
                self._session(until_idle)
                return self.stats
            except (psycopg2.Error, SetupError) as exc:
                if isinstance(exc, NotSetUp) or not _retryable(exc):
                    self.store.error(f"Capture stopped: {str(exc).strip()}")
                    raise
                attempts += 1
                message = (
                    f"Connection to the source lost ({str(exc).strip()}); retry {attempts} in {delay:.0f} s."
                )
                logger.warning(message)
                self.store.error(message)
                if self.options.max_attempts is not None and attempts >= self.options.max_attempts:
                    raise
                self._sleep(delay)
                delay = min(delay * 2, self.options.max_retry_seconds)
        return self.stats

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stop_requested and time.monotonic() < end:
            time.sleep(min(0.2, end - time.monotonic()))

    def _session(self, until_idle: float | None) -> None:
        checkpoint = self.store.checkpoint()
        removed = batch.recover(self.lake, self.options.source, checkpoint)
        if removed:
            self.store.recovered(
                f"Deleted {len(removed)} file(s) of a batch interrupted before its checkpoint."
            )
        conn = connect(self.options.dsn, connection_factory=LogicalReplicationConnection)
        try:
            self._check_slot()
            self._stream(conn, checkpoint, until_idle)
        finally:
            self._drain()
            conn.close()

    def _check_slot(self) -> None:
        plain = connect(self.options.dsn)
        try:
            info = slot_info(plain, self.options.slot)
        finally:
            plain.close()
        if info is None:
            raise MissingSlot(
                f"Replication slot '{self.options.slot}' does not exist at the source: "
                "run `manage.py cdc_setup` first."
            )
        if info["plugin"] != "pgoutput":
            raise MissingSlot(f"Slot '{self.options.slot}' uses plugin {info['plugin']}, not pgoutput.")

    def _stream(self, conn, checkpoint: int, until_idle: float | None) -> None:
        opts = self.options
        batcher = batch.Batcher(
            self.lake,
            opts.source,
            self.store,
            checkpoint=checkpoint,
            max_rows=opts.max_rows,
            max_seconds=opts.max_seconds,
        )
        cur = conn.cursor()
        cur.start_replication(
            slot_name=opts.slot,
            decode=False,
            start_lsn=checkpoint,
            status_interval=10,
            options={"proto_version": "1", "publication_names": opts.publication},
        )
        in_txn, last_message, last_beat = False, time.monotonic(), 0.0
        limit = opts.stop_after_changes
        while not self.stop_requested:
            in_txn, received, enough = self._read_available(cur, batcher, in_txn, limit)
            if enough:
                break
            if received:
                last_message = time.monotonic()
            if not in_txn:
                if batcher.rows and batcher.idle_due():
                    self._publish(batcher, cur)
                elif not batcher.rows:
                    self._confirm_idle(batcher, cur)
            now = time.monotonic()
            if now - last_beat >= opts.heartbeat_seconds:
                self._heartbeat(batcher)
                last_beat = now
            if until_idle is not None and now - last_message >= until_idle:
                break
            select.select([conn], [], [], 0.5)
        if batcher.rows and not in_txn:
            self._publish(batcher, cur)  # whole transactions received before SIGTERM
        self._settle(cur)
        if batcher.checkpoint > self._confirmed:
            cur.send_feedback(flush_lsn=batcher.checkpoint, force=True)

    def _read_available(self, cur, batcher: batch.Batcher, in_txn: bool, limit: int | None):
        """Feed every message already received; (in a transaction, how many, stop-after reached)."""
        read, feed, received = cur.read_message, batcher.feed, 0
        while not self.stop_requested:
            message = read()
            if message is None:
                break
            received += 1
            payload = message.payload
            kind = payload[0]
            if kind == 66 or kind == 67:  # B(egin) / C(ommit)
                in_txn = kind == 66
            if feed(payload, message.data_start):
                self._publish(batcher, cur)
            if limit is not None and not in_txn and self._enough(batcher, limit):
                return in_txn, received, True
        return in_txn, received, False

    def _enough(self, batcher: batch.Batcher, limit: int) -> bool:
        done = sum(v for k, v in self.stats.items() if not k.startswith("_"))
        writing = sum(g.rows for g in self._in_flight[0].groups.values()) if self._in_flight else 0
        return done + writing + batcher.rows >= limit

    def _publish(self, batcher: batch.Batcher, cur) -> None:
        """Close the batch and write it in the background while the stream is read on.

        At most one batch is in flight: the previous one is checkpointed and confirmed to the
        server (in that order) before the next is handed to the writer.
        """
        opened_at = batcher.opened_at or time.monotonic()
        pending = batcher.detach()
        if pending is None:
            return
        self._settle(cur)
        self._in_flight = (pending, opened_at, self._writer.submit(pending.write, self.lake))

    def _settle(self, cur) -> None:
        """Wait for the batch being written; then checkpoint it and tell the server."""
        if self._in_flight is None:
            return
        pending, opened_at, future = self._in_flight
        self._in_flight = None
        counts = future.result()  # a failed write raises here: nothing is checkpointed
        self.store.published(pending.end_lsn, counts, max(time.monotonic() - opened_at, 1e-6))
        if cur is not None:
            cur.send_feedback(flush_lsn=pending.end_lsn, force=True)
            self._confirmed = pending.end_lsn
        self.stats.update(counts)
        self.stats["_batches"] += 1

    def _drain(self) -> None:
        """After a lost session: let the batch being written finish before anything else.

        Its files must not land after the next session's recovery; once written it is
        checkpointed (the server is not told; replayed transactions are skipped instead).
        """
        if self._in_flight is None:
            return
        try:
            self._settle(None)
        except Exception:  # its files are beyond the checkpoint: the next recovery removes them
            logger.exception("Batch write failed while the session ended")
            self._in_flight = None

    def _confirm_idle(self, batcher: batch.Batcher, cur) -> None:
        # Nothing of ours is pending: let the slot move past WAL of other tables or empty transactions.
        self._settle(cur)
        if batcher.checkpoint and batcher.checkpoint > self._confirmed:
            cur.send_feedback(flush_lsn=batcher.checkpoint, force=True)
            self._confirmed = batcher.checkpoint

    def _heartbeat(self, batcher: batch.Batcher) -> None:
        try:
            plain = connect(self.options.dsn)
            try:
                measured = lag(plain, self.options.slot)
            finally:
                plain.close()
        except SetupError:
            measured = None
        pending = time.monotonic() - batcher.opened_at if batcher.opened_at else 0.0
        self.store.heartbeat(*(measured or (None, None)), pending)


# SQLSTATE classes worth retrying: connection, resources, operator intervention (shutdown), object
# in use (the slot still held by a walsender of a killed consumer).
RETRY_CLASSES = {"08", "53", "55", "57"}


def _retryable(exc: Exception) -> bool:
    code = getattr(exc, "pgcode", None)
    return code is None or code[:2] in RETRY_CLASSES


class MissingSlot(NotSetUp):
    """The slot is gone or wrong: not a connection problem, so it is not retried."""
