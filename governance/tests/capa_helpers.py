"""Builders for audits, findings and CAPAs, through the services where a service exists."""

from datetime import date

from django.test import RequestFactory

from accounts.tests.factories import PASSWORD
from governance.models import Audit, Capa, CapaAction, Finding
from governance.services.audits import audit_save, finding_save
from governance.services.capa import (
    capa_action_complete,
    capa_action_save,
    capa_close,
    capa_open,
    effectiveness_check_approve,
    effectiveness_check_record,
)


def request_for(user):
    request = RequestFactory().post("/admin/", REMOTE_ADDR="10.0.0.9")
    request.user = user
    return request


def make_audit(owner, **fields):
    defaults = dict(
        title="SOC 2 Type II 2026",
        kind=Audit.Kind.CERTIFICATION,
        auditor_firm="Acme CPA",
        planned_start=date(2026, 10, 1),
        planned_end=date(2026, 10, 31),
        lead=owner,
    )
    return audit_save(audit=Audit(**{**defaults, **fields}), actor=owner)


def make_finding(owner, ref="F-1", severity=Finding.Severity.MAJOR, due=date(2026, 11, 15), **fields):
    defaults = dict(
        ref=ref,
        title=f"Finding {ref}",
        severity=severity,
        source=Finding.Source.SELF_IDENTIFIED,
        owner=owner,
        identified_on=date(2026, 10, 1),
        due_date=due,
    )
    return finding_save(finding=Finding(**{**defaults, **fields}), actor=owner)


def make_capa(owner, finding=None, ref="CAPA-1", due=date(2026, 12, 31), **fields):
    source = Capa.Source.FINDING if finding else Capa.Source.COMPLAINT
    defaults = dict(
        ref=ref,
        title=f"Fix {ref}",
        source=source,
        finding=finding,
        owner=owner,
        opened_on=date(2026, 10, 2),
        due_date=due,
        effectiveness_days=30,
    )
    return capa_open(actor=owner, **{**defaults, **fields})


def add_action(capa, owner, kind=CapaAction.Kind.CORRECTIVE, due=date(2026, 11, 1)):
    action = CapaAction(capa=capa, kind=kind, description=f"{kind} action", owner=owner, due_date=due)
    return capa_action_save(action=action, actor=owner)


def complete(action, owner, on=date(2026, 11, 1)):
    return capa_action_complete(action=action, completed_on=on, actor=owner)


def pass_and_approve(capa, user, password=PASSWORD):
    check = capa.checks.get(result="pending")
    effectiveness_check_record(check=check, actor=user, result="passed", evidence="No recurrence in 30 days")
    return effectiveness_check_approve(check=check, signer=user, password=password, request=request_for(user))


def close(capa, user, password=PASSWORD, comment="Effective"):
    return capa_close(capa=capa, signer=user, password=password, request=request_for(user), comment=comment)


def capa_ready_to_close(owner, **fields):
    capa = make_capa(owner, **fields)
    complete(add_action(capa, owner), owner)
    pass_and_approve(Capa.objects.get(pk=capa.pk), owner)
    return Capa.objects.get(pk=capa.pk)
