"""The governance tasks through a real worker and a real Redis (skipped without Redis)."""

from datetime import date

import pytest

from accounts.audit import acting_as
from governance.models import Evidence, Snapshot
from governance.services.evidence import evidence_accept, evidence_upload
from governance.tasks import rehash_evidence, snapshot_month
from governance.tests.conftest import upload

pytestmark = [
    pytest.mark.services("redis"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_worker_snapshots_a_month_once_as_the_caller_and_rehashes(worker, control, compliance_officer):
    item = evidence_upload(
        control=control,
        title="Oct",
        effective_from=date(2026, 10, 1),
        effective_to=date(2026, 10, 31),
        uploaded=upload(),
        actor=compliance_officer,
    )
    evidence_accept(evidence=item, actor=compliance_officer)
    framework = control.mappings.get().criterion.framework
    with acting_as(compliance_officer):
        first = snapshot_month.delay(framework.pk, "2026-10-01").get(timeout=60)
        again = snapshot_month.delay(framework.pk, "2026-10-01").get(timeout=60)
        outcome = rehash_evidence.delay(item.pk).get(timeout=60)
    snapshot = Snapshot.objects.get()
    assert first == again == snapshot.pk
    assert snapshot.created_by == compliance_officer
    assert outcome == Evidence.Integrity.OK
