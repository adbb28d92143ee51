"""CAPA: opening, actions, effectiveness scheduling, closure with an approval signature."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import change_reason
from accounts.models import Signature
from accounts.signatures import signatures_for
from governance.models import Capa, CapaAction, CapaEvent, EffectivenessCheck
from governance.services.esign import signed_change


def _event(capa, kind, actor, detail=""):
    CapaEvent.objects.create(capa=capa, kind=kind, actor=actor, detail=detail[:500])


def _refuse_if_closed(capa_id: int) -> Capa:
    capa = Capa.objects.select_for_update().get(pk=capa_id)
    if capa.status == Capa.Status.CLOSED:
        raise ValidationError(f"{capa.ref} is closed: reopen it before changing it.")
    return capa


def capa_open(*, actor, **fields) -> Capa:
    return capa_save(capa=Capa(**fields), actor=actor)


def capa_save(*, capa: Capa, actor) -> Capa:
    """Create or save a CAPA edited in a form. A closed CAPA is not edited (reopen it first)."""
    with transaction.atomic():
        if capa.pk is not None:
            _refuse_if_closed(capa.pk)
        created = capa.pk is None
        capa.full_clean()
        capa.save()
        if created:
            _event(capa, CapaEvent.Kind.OPENED, actor, capa.get_source_display())
    return capa


def capa_action_save(*, action: CapaAction, actor) -> CapaAction:
    """Add or change an action; the last action done schedules the effectiveness check."""
    with transaction.atomic():
        capa = _refuse_if_closed(action.capa_id)
        was_done = (
            action.pk and CapaAction.objects.filter(pk=action.pk, status=CapaAction.Status.DONE).exists()
        )
        action.full_clean()
        action.save()
        if action.status == CapaAction.Status.DONE and not was_done:
            _event(capa, CapaEvent.Kind.ACTION_DONE, actor, f"{action} ({action.completed_on})")
        _sync_with_actions(capa, actor)
    return action


def capa_action_complete(*, action: CapaAction, completed_on: date, actor) -> CapaAction:
    action.status, action.completed_on = CapaAction.Status.DONE, completed_on
    return capa_action_save(action=action, actor=actor)


def _sync_with_actions(capa: Capa, actor) -> None:
    """Open ↔ verifying follows the actions: all done schedules a check, a new open one undoes it."""
    actions = list(capa.actions.all())
    all_done = bool(actions) and all(a.status == CapaAction.Status.DONE for a in actions)
    if all_done and capa.status == Capa.Status.OPEN:
        _schedule_check(capa, max(a.completed_on for a in actions), actor)
    elif not all_done and capa.status == Capa.Status.VERIFYING:
        capa.status, capa.actions_closed_on = Capa.Status.OPEN, None
        capa.save()
        # Only the placeholder is dropped; a check with a recorded result stays on file.
        capa.checks.filter(result=EffectivenessCheck.Result.PENDING).delete()


def _schedule_check(capa: Capa, closed_on: date, actor) -> EffectivenessCheck:
    capa.status, capa.actions_closed_on = Capa.Status.VERIFYING, closed_on
    capa.save()
    check = EffectivenessCheck.objects.create(
        capa=capa, due_date=closed_on + timedelta(days=capa.effectiveness_days)
    )
    _event(capa, CapaEvent.Kind.CHECK_SCHEDULED, actor, f"due {check.due_date}")
    return check


def capa_schedule_due_checks(*, actor) -> int:
    """Schedule the check of every open CAPA whose actions are all done (idempotent)."""
    scheduled = 0
    for capa_id in (
        Capa.objects.filter(status=Capa.Status.OPEN, actions__isnull=False)
        .exclude(actions__status=CapaAction.Status.OPEN)
        .distinct()
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            capa = Capa.objects.select_for_update().get(pk=capa_id)
            if capa.status == Capa.Status.OPEN:
                _sync_with_actions(capa, actor)
                scheduled += capa.status == Capa.Status.VERIFYING
    return scheduled


def effectiveness_check_plan(*, check: EffectivenessCheck, plan: str, actor) -> EffectivenessCheck:
    with transaction.atomic():
        _refuse_if_closed(check.capa_id)
        check.plan = plan
        check.full_clean()
        check.save()
    return check


def effectiveness_check_record(
    *, check: EffectivenessCheck, actor, result: str, evidence: str, performed_on=None, evidence_link=""
) -> EffectivenessCheck:
    """Record what the check found. It counts for closure once approved with a signature."""
    if result == EffectivenessCheck.Result.PENDING:
        raise ValidationError("Record the result: effective or not effective.")
    with transaction.atomic():
        capa = _refuse_if_closed(check.capa_id)
        check.result, check.evidence, check.evidence_link = result, evidence, evidence_link
        check.performed_on, check.performed_by = performed_on or timezone.localdate(), actor
        check.full_clean()
        check.save()
        _event(capa, CapaEvent.Kind.CHECK_RECORDED, actor, check.get_result_display())
        if result == EffectivenessCheck.Result.FAILED and capa.status == Capa.Status.VERIFYING:
            # Not effective: further actions are needed, and a new check after them.
            capa.status, capa.actions_closed_on = Capa.Status.OPEN, None
            capa.save()
    return check


def effectiveness_check_approve(*, check: EffectivenessCheck, signer, password: str, request, comment=""):
    """Approve the recorded result with an electronic signature (re-authentication)."""
    if check.result == EffectivenessCheck.Result.PENDING:
        raise ValidationError("The check has no result yet: record it before approving it.")
    if Capa.objects.filter(pk=check.capa_id, status=Capa.Status.CLOSED).exists():
        raise ValidationError(f"{check.capa.ref} is closed.")
    _, signature = signed_change(
        obj=check, change=lambda: check, signer=signer, password=password, request=request, comment=comment
    )
    return signature


def check_approval(check: EffectivenessCheck | None):
    """The valid approval signature of a check, or None."""
    if check is None:
        return None
    approvals = [(s, st) for s, st in signatures_for(check) if s.meaning == Signature.Meaning.APPROVAL]
    return next((s for s, st in approvals if st.valid), None)


def capa_closure_blockers(capa: Capa) -> list[str]:
    """Why the CAPA cannot close now; empty when it can."""
    if capa.status == Capa.Status.CLOSED:
        return [f"{capa.ref} is already closed."]
    actions = list(capa.actions.all())
    blockers = [] if actions else ["No corrective or preventive action recorded."]
    blockers += [f"Action still open: {a.description[:80]} (due {a.due_date})" for a in actions
                 if a.status == CapaAction.Status.OPEN]  # fmt: skip
    check = capa.checks.order_by("-due_date", "-pk").first()
    if check is None:
        blockers.append("No effectiveness check yet.")
    elif check.result == EffectivenessCheck.Result.PENDING:
        blockers.append(f"The effectiveness check due {check.due_date} has no result yet.")
    elif check.result == EffectivenessCheck.Result.FAILED:
        blockers.append("The latest effectiveness check failed: further actions and a new check are needed.")
    elif check_approval(check) is None:
        blockers.append("The effectiveness check result carries no valid approval signature.")
    return blockers


def capa_close(*, capa: Capa, signer, password: str, request, comment: str = "") -> Capa:
    """Close with an approval signature on the closed version; refused while a guard fails."""
    blockers = capa_closure_blockers(capa)
    if blockers:
        raise ValidationError(blockers)

    def close():
        locked = Capa.objects.select_for_update().get(pk=capa.pk)
        again = capa_closure_blockers(locked)
        if again:
            raise ValidationError(again)
        locked.status, locked.closed_on, locked.closed_by = Capa.Status.CLOSED, timezone.localdate(), signer
        locked.save()
        _event(locked, CapaEvent.Kind.CLOSED, signer, comment)
        return locked

    closed, _ = signed_change(
        obj=capa, change=close, signer=signer, password=password, request=request, comment=comment
    )
    return closed


def capa_closure_signature(capa: Capa):
    """(signature, status) of the latest closure approval, or None: void once the CAPA changed."""
    approvals = [(s, st) for s, st in signatures_for(capa) if s.meaning == Signature.Meaning.APPROVAL]
    return approvals[0] if approvals else None


def capa_reopen(*, capa: Capa, actor, reason: str) -> Capa:
    """Reopen a closed CAPA; its closure signature becomes void (the record changed)."""
    if not reason.strip():
        raise ValidationError("Say why the CAPA is reopened.")
    with transaction.atomic(), change_reason(reason):
        capa = Capa.objects.select_for_update().get(pk=capa.pk)
        if capa.status != Capa.Status.CLOSED:
            raise ValidationError(f"{capa.ref} is not closed.")
        capa.status, capa.closed_on, capa.closed_by = Capa.Status.VERIFYING, None, None
        capa.times_reopened += 1
        capa.save()
        _event(capa, CapaEvent.Kind.REOPENED, actor, reason)
    return capa
