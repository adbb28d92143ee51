"""Audits, their tasks, findings and deviations: the admin's and the tasks' one write path."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import Audit, AuditTask, Capa, Deviation, Finding
from governance.services.capa import capa_open


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def audit_save(*, audit: Audit, actor) -> Audit:
    with transaction.atomic():
        return _save(audit)


def audit_task_save(*, task: AuditTask, actor) -> AuditTask:
    """Done tasks get their completion date (today unless given); reopened ones lose it."""
    if task.status == AuditTask.Status.DONE:
        task.completed_on = task.completed_on or timezone.localdate()
    else:
        task.completed_on = None
    with transaction.atomic():
        return _save(task)


def finding_save(*, finding: Finding, actor) -> Finding:
    """Closing sets `closed_on` (the day its penalty stops); reopening clears it."""
    if finding.status == Finding.Status.CLOSED:
        finding.closed_on = finding.closed_on or timezone.localdate()
    else:
        finding.closed_on = None
    with transaction.atomic():
        return _save(finding)


def finding_link(*, finding: Finding, criteria=(), controls=(), actor) -> Finding:
    with transaction.atomic():
        finding.criteria.add(*criteria)
        finding.controls.add(*controls)
    return finding


def deviation_save(*, deviation: Deviation, actor) -> Deviation:
    with transaction.atomic():
        return _save(deviation)


def deviation_open_capa(*, deviation: Deviation, actor, **fields) -> Capa:
    """Open a CAPA from a deviation and link the two."""
    with transaction.atomic():
        deviation = Deviation.objects.select_for_update().get(pk=deviation.pk)
        if deviation.capa_id:
            raise ValidationError(f"{deviation.ref} already has a CAPA.")
        fields.setdefault("title", deviation.title)
        capa = capa_open(actor=actor, source=Capa.Source.DEVIATION, source_reference=deviation.ref, **fields)
        deviation.capa = capa
        deviation.save()
    return capa
