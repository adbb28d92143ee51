"""Exactly-once in the lake: the consumer killed mid-stream (SIGKILL) or failing between steps."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from warehouse.cdc.consumer import MissingSlot
from warehouse.cdc.models import CdcEvent, CdcSource
from warehouse.cdc.runner import consumer_for
from warehouse.cdc.services import CdcStore, cdc_source_configure, cdc_source_setup
from warehouse.cdc.tests import workload
from warehouse.cdc.tests.conftest import execute

pytestmark = [pytest.mark.services("postgres"), pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)


def setup_items_source(dsn, **kwargs) -> CdcSource:
    workload.create(dsn)
    source = cdc_source_configure(name="crash", dsn=dsn, tables=["public.items"], actor=None, **kwargs)
    cdc_source_setup(source=source, replica_identity_full=True, actor=None)
    return CdcSource.objects.get(pk=source.pk)


def consumer_process(lake_dir, *args) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "LAKE_URL": str(lake_dir),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "cdc_consume", "--source", "crash", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_sigkill_mid_stream_then_restart_leaves_every_change_exactly_once(source_dsn, lake_dir):
    source = setup_items_source(source_dsn, batch_rows=2000, batch_seconds=30)
    workload.write(source_dsn, transactions=25)  # 40,000 changes waiting in the slot
    expected = workload.source_record(source_dsn)

    first = consumer_process(lake_dir)
    wait_for(lambda: CdcSource.objects.get(pk=source.pk).changes_total >= 8_000)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    killed_at = CdcSource.objects.get(pk=source.pk).changes_total
    assert 8_000 <= killed_at < expected[0], "the kill must land in the middle of the stream"

    second = consumer_process(lake_dir, "--until-idle", "2")
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()[-2000:]
    assert workload.lake_record(str(lake_dir)) == expected
    assert CdcSource.objects.get(pk=source.pk).changes_total >= expected[0]


def test_sigterm_stops_cleanly_and_confirms_what_it_published(source_dsn, lake_dir):
    source = setup_items_source(source_dsn, batch_rows=500, batch_seconds=30)
    workload.write(source_dsn, transactions=20)
    process = consumer_process(lake_dir)
    wait_for(lambda: CdcSource.objects.get(pk=source.pk).changes_total >= 2000)
    process.send_signal(signal.SIGTERM)
    out, _err = process.communicate(timeout=30)
    assert process.returncode == 0 and b"Stopped:" in out
    source.refresh_from_db()
    confirmed = execute(
        source_dsn, "select confirmed_flush_lsn - '0/0' from pg_replication_slots", fetch=True
    )[0][0]
    assert int(confirmed) == source.confirmed_lsn  # the server knows exactly what is in the lake


class Crash(Exception):
    pass


class CrashingStore(CdcStore):
    """Fails on the third batch: before (files out, no checkpoint) or after its checkpoint (no feedback)."""

    def __init__(self, source, when):
        super().__init__(source)
        self.when, self.calls = when, 0

    def published(self, end_lsn, counts, seconds):
        self.calls += 1
        if self.calls == 3 and self.when == "before_checkpoint":
            raise Crash
        super().published(end_lsn, counts, seconds)
        if self.calls == 3 and self.when == "before_feedback":
            raise Crash


@pytest.mark.parametrize("when", ["before_checkpoint", "before_feedback"])
def test_failure_between_publish_checkpoint_and_feedback_never_duplicates(source_dsn, lake_dir, when):
    source = setup_items_source(source_dsn, batch_rows=1500, batch_seconds=30)
    workload.write(source_dsn, transactions=8)
    crashing = consumer_for(source, max_attempts=1)
    crashing.store = CrashingStore(source, when)
    with pytest.raises(Crash):
        crashing.run(until_idle=1)
    workload.write(source_dsn, transactions=2, start=8)
    consumer_for(source, max_attempts=1).run(until_idle=1)

    assert workload.lake_record(str(lake_dir)) == workload.source_record(source_dsn)
    recovered = CdcEvent.objects.filter(source=source, kind=CdcEvent.Kind.RECOVERED).exists()
    assert recovered == (when == "before_checkpoint")  # only then were there files to take back


def test_source_restart_during_streaming_reconnects_and_resumes(source_dsn, lake_dir, pg_cluster):
    source = setup_items_source(source_dsn, batch_rows=1000, batch_seconds=0.2)
    workload.write(source_dsn, transactions=3)
    process = consumer_process(lake_dir, "--until-idle", "6")
    wait_for(lambda: CdcSource.objects.get(pk=source.pk).changes_total > 0)
    pg_cluster.restart()
    workload.write(source_dsn, transactions=3, start=3)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()[-2000:]
    assert workload.lake_record(str(lake_dir)) == workload.source_record(source_dsn)
    errors = CdcEvent.objects.filter(source=source, kind=CdcEvent.Kind.ERROR)
    assert errors.exists() and "Connection to the source lost" in errors.first().message


def test_missing_slot_is_not_retried(source_dsn, lake_dir):
    source = setup_items_source(source_dsn)
    execute(source_dsn, "select pg_drop_replication_slot('custodian_crash')")
    with pytest.raises(MissingSlot):
        consumer_for(source, max_attempts=5, retry_seconds=10).run(until_idle=1)
