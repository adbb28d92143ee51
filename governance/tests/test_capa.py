"""CAPA: closure guards, effectiveness scheduling, signatures (re-authentication, voiding)."""

from datetime import date

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from accounts.models import AuditEntry, Signature
from accounts.signatures import SignatureRejected, signature_status, signatures_for
from governance.models import Capa, CapaEvent, EffectivenessCheck
from governance.services.capa import (
    capa_closure_blockers,
    capa_closure_signature,
    capa_reopen,
    effectiveness_check_record,
)
from governance.tests.capa_helpers import (
    add_action,
    capa_ready_to_close,
    close,
    complete,
    make_capa,
    pass_and_approve,
)

pytestmark = pytest.mark.django_db


def _state(capa):
    capa = Capa.objects.get(pk=capa.pk)
    return (capa.status, capa.closed_on, capa.closed_by_id, Signature.objects.count(),
            CapaEvent.objects.filter(kind=CapaEvent.Kind.CLOSED).count())  # fmt: skip


def _entries(obj, action):
    ct = ContentType.objects.get_for_model(obj)
    return AuditEntry.objects.filter(action=action, content_type=ct, object_pk=str(obj.pk))


def test_last_action_closing_schedules_the_check_n_days_later(compliance_officer):
    capa = make_capa(compliance_officer, effectiveness_days=60)
    first, second = (
        add_action(capa, compliance_officer),
        add_action(capa, compliance_officer, kind="preventive"),
    )
    complete(first, compliance_officer, on=date(2026, 11, 3))
    assert not EffectivenessCheck.objects.exists()  # one action still open
    complete(second, compliance_officer, on=date(2026, 11, 10))
    capa.refresh_from_db()
    check = capa.checks.get()
    assert (capa.status, capa.actions_closed_on) == (Capa.Status.VERIFYING, date(2026, 11, 10))
    assert (check.due_date, check.result) == (date(2027, 1, 9), "pending")  # 10 Nov + 60 days


def test_a_new_open_action_takes_back_the_scheduled_check(compliance_officer):
    capa = make_capa(compliance_officer)
    complete(add_action(capa, compliance_officer), compliance_officer)
    add_action(Capa.objects.get(pk=capa.pk), compliance_officer)
    capa.refresh_from_db()
    assert capa.status == Capa.Status.OPEN and not capa.checks.exists()


def test_cannot_close_while_an_action_is_open(compliance_officer):
    capa = make_capa(compliance_officer)
    add_action(capa, compliance_officer)
    before = _state(capa)
    with pytest.raises(ValidationError, match="Action still open"):
        close(capa, compliance_officer)
    assert _state(capa) == before


def test_cannot_close_without_actions_or_check(compliance_officer):
    capa = make_capa(compliance_officer)
    assert capa_closure_blockers(capa) == [
        "No corrective or preventive action recorded.",
        "No effectiveness check yet.",
    ]
    with pytest.raises(ValidationError):
        close(capa, compliance_officer)
    assert Capa.objects.get(pk=capa.pk).status == Capa.Status.OPEN


def test_pending_unapproved_and_failed_checks_each_block_closure(compliance_officer):
    capa = make_capa(compliance_officer)
    complete(add_action(capa, compliance_officer), compliance_officer)
    check = capa.checks.get()
    assert "has no result yet" in capa_closure_blockers(capa)[0]
    effectiveness_check_record(check=check, actor=compliance_officer, result="passed", evidence="ok")
    assert capa_closure_blockers(capa) == [
        "The effectiveness check result carries no valid approval signature."
    ]
    effectiveness_check_record(check=check, actor=compliance_officer, result="failed", evidence="recurred")
    capa.refresh_from_db()
    assert "failed" in capa_closure_blockers(capa)[0]
    assert capa.status == Capa.Status.OPEN  # back to actions
    with pytest.raises(ValidationError):
        close(capa, compliance_officer)
    assert _state(capa)[0] == Capa.Status.OPEN


def test_failed_check_then_new_action_schedules_a_new_check(compliance_officer):
    capa = make_capa(compliance_officer)
    complete(add_action(capa, compliance_officer), compliance_officer)
    effectiveness_check_record(
        check=capa.checks.get(), actor=compliance_officer, result="failed", evidence="x"
    )
    complete(
        add_action(Capa.objects.get(pk=capa.pk), compliance_officer), compliance_officer, on=date(2026, 12, 1)
    )
    assert list(capa.checks.values_list("result", "due_date")) == [
        ("pending", date(2026, 12, 31)),
        ("failed", date(2026, 12, 1)),
    ]


def test_closure_is_an_approval_signature_on_the_closed_version(compliance_officer):
    capa = capa_ready_to_close(compliance_officer)
    with time_machine.travel("2026-12-20 10:00:00Z"):
        closed = close(capa, compliance_officer, comment="Effective, no recurrence")
    assert (closed.status, closed.closed_on, closed.closed_by) == (
        "closed",
        date(2026, 12, 20),
        compliance_officer,
    )
    sig, status = capa_closure_signature(closed)
    assert status.valid and sig.meaning == "approval" and sig.comment == "Effective, no recurrence"
    assert sig.printed_name == compliance_officer.get_full_name()
    assert _entries(capa, AuditEntry.Action.SIGN).count() == 1
    assert CapaEvent.objects.filter(capa=capa, kind=CapaEvent.Kind.CLOSED).count() == 1


def test_wrong_password_closes_nothing_and_is_recorded(compliance_officer):
    capa = capa_ready_to_close(compliance_officer)
    before = _state(capa)
    with pytest.raises(SignatureRejected):
        close(capa, compliance_officer, password="not-my-password")
    assert _state(capa) == before
    assert _entries(capa, AuditEntry.Action.SIGN_FAILED).count() == 1
    assert AccessAttempt.objects.get(username="carla").failures_since_start == 1


def test_another_users_password_does_not_sign(compliance_officer, data_steward):
    capa = capa_ready_to_close(compliance_officer)
    data_steward.set_password("dana-secret")
    data_steward.save()
    with pytest.raises(SignatureRejected):
        close(capa, compliance_officer, password="dana-secret")
    assert Capa.objects.get(pk=capa.pk).status == Capa.Status.VERIFYING


def test_reopening_voids_the_closure_signature_visibly(compliance_officer):
    capa = close(capa_ready_to_close(compliance_officer), compliance_officer)
    with pytest.raises(ValidationError, match="Say why"):
        capa_reopen(capa=capa, actor=compliance_officer, reason=" ")
    capa_reopen(capa=capa, actor=compliance_officer, reason="Complaint came back (CC-88)")
    _, status = capa_closure_signature(Capa.objects.get(pk=capa.pk))
    assert (status.valid, status.reason) == (False, "void: the record changed after signing")
    reopened = _entries(capa, AuditEntry.Action.UPDATE).latest("seq")
    assert reopened.reason == "Complaint came back (CC-88)"
    # Closed again: a new, valid signature beside the void one.
    close(Capa.objects.get(pk=capa.pk), compliance_officer)
    assert [s.valid for _, s in signatures_for(Capa.objects.get(pk=capa.pk))] == [True, False]


def test_editing_an_approved_check_voids_its_approval_and_blocks_closure(compliance_officer):
    capa = capa_ready_to_close(compliance_officer)
    check = capa.checks.get()
    [(sig, status)] = signatures_for(check)
    assert status.valid
    effectiveness_check_record(check=check, actor=compliance_officer, result="passed", evidence="rewritten")
    assert (
        signature_status(Signature.objects.get(pk=sig.pk)).reason == "void: the record changed after signing"
    )
    assert capa_closure_blockers(Capa.objects.get(pk=capa.pk)) == [
        "The effectiveness check result carries no valid approval signature."
    ]


def test_wrong_password_does_not_approve_a_check(compliance_officer):
    capa = make_capa(compliance_officer)
    complete(add_action(capa, compliance_officer), compliance_officer)
    with pytest.raises(SignatureRejected):
        pass_and_approve(Capa.objects.get(pk=capa.pk), compliance_officer, password="wrong")
    assert not Signature.objects.exists()


def test_closed_capa_refuses_changes_until_reopened(compliance_officer):
    capa = close(capa_ready_to_close(compliance_officer), compliance_officer)
    with pytest.raises(ValidationError, match="is closed"):
        add_action(capa, compliance_officer)
    assert capa.actions.count() == 1
