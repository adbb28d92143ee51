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
