from datetime import date
from pathlib import Path

import pytest
import time_machine

from governance.models import Evidence, Snapshot
from governance.services.evidence import evidence_accept, evidence_upload
from governance.tasks import rehash_all_evidence, snapshot_previous_month
from governance.tests.conftest import upload

pytestmark = pytest.mark.django_db


def test_monthly_task_snapshots_last_month_once(control, compliance_officer, settings):
    item = evidence_upload(
        control=control,
        title="Oct",
        effective_from=date(2026, 10, 1),
        effective_to=date(2026, 10, 31),
        uploaded=upload(),
        actor=compliance_officer,
    )
    evidence_accept(evidence=item, actor=compliance_officer)
    with time_machine.travel("2026-11-01 03:00Z", tick=False):
        snapshot_previous_month.delay()
        snapshot_previous_month.delay()
    snapshot = Snapshot.objects.get()
    assert (snapshot.month, Path(snapshot.path).parent) == (
        date(2026, 10, 1),
        Path(settings.GOVERNANCE_SNAPSHOT_ROOT),
    )
    assert snapshot.created_by.username == "system"


def test_rehash_task_flags_a_tampered_file(control, compliance_officer):
    item = evidence_upload(
        control=control,
        title="Oct",
        effective_from=date(2026, 10, 1),
        effective_to=date(2026, 10, 31),
        uploaded=upload(),
        actor=compliance_officer,
    )
    Path(item.file.path).write_bytes(b"tampered")
    assert rehash_all_evidence.delay().get() == 1
    item.refresh_from_db()
    assert item.integrity == Evidence.Integrity.MISMATCH


def test_beat_entries_name_registered_tasks_with_spelled_out_crontabs(settings):
    from portal.celery import app

    entries = {k: v for k, v in settings.CELERY_BEAT_SCHEDULE.items() if k.startswith("governance-")}
    assert {e["task"] for e in entries.values()} == {
        "governance.tasks.snapshot_previous_month",
        "governance.tasks.rehash_all_evidence",
        "governance.tasks.record_readiness_scores",
        "governance.tasks.flag_overdue",
        "governance.tasks.open_access_reviews",
        "governance.tasks.check_freshness",
        "governance.tasks.detect_metric_anomalies",
    }
    for entry in entries.values():
        assert entry["task"] in app.tasks
    monthly = entries["governance-monthly-snapshots"]["schedule"]
    assert (monthly.day_of_month, monthly.hour, monthly.minute) == ({1}, {3}, {0})
