"""The daily sweep: schedule due effectiveness checks, flag what is past due (once each)."""

from datetime import date

from django.db import transaction
from django.db.models import Q

from governance.models import Capa, CapaEvent, EffectivenessCheck, Finding
from governance.services.capa import capa_schedule_due_checks


def _past_due(model, day):
    return model.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day), due_date__lt=day)


def overdue_flag(*, day: date, actor) -> dict[str, int]:
    """Idempotent: an item is flagged on the first day it is past due and never again."""
    scheduled = capa_schedule_due_checks(actor=actor)
    flagged = {"findings": 0, "capas": 0}
    for finding in _past_due(Finding, day).filter(flagged_overdue_on__isnull=True):
        with transaction.atomic():
            finding.flagged_overdue_on = day
            finding.save(update_fields=["flagged_overdue_on"])
        flagged["findings"] += 1
    for capa in _past_due(Capa, day).filter(flagged_overdue_on__isnull=True):
        with transaction.atomic():
            capa.flagged_overdue_on = day
            capa.save(update_fields=["flagged_overdue_on"])
            CapaEvent.objects.create(capa=capa, kind=CapaEvent.Kind.OVERDUE, actor=actor,
                                     detail=f"due {capa.due_date}")  # fmt: skip
        flagged["capas"] += 1
    checks = EffectivenessCheck.objects.filter(result=EffectivenessCheck.Result.PENDING, due_date__lte=day)
    return {"checks_scheduled": scheduled, "checks_due": checks.count(), **flagged}
