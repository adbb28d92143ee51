"""The write path of schedules: save (with the beat task), delete, send now.

The beat task of a schedule is a django-celery-beat `PeriodicTask` on a `CrontabSchedule` (UTC),
kept in step with the schedule in the same transaction: an inactive schedule's task is disabled,
a deleted schedule's task is removed.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from accounts.audit import audit_event_record
from accounts.models import AuditEntry
from reporting.models import ReportSchedule
from reporting.schedules.cadence import crontab_fields
from reporting.schedules.recipients import recipients_check
from reporting.schedules.sources import DASHBOARD_METRICS

TASK = "reporting.tasks.deliver_schedule"
SCALAR_FIELDS = (
    "name", "owner", "report", "dashboard", "organization", "cadence", "hour", "weekday", "day_of_month",
    "recipient_addresses", "active",
)  # fmt: skip


def schedule_validate(*, fields: dict, recipient_users, recipient_roles) -> None:
    """Raise ValidationError (keyed by field) for anything the schedule cannot be saved with."""
    errors = {}
    report, slug = fields.get("report"), fields.get("dashboard") or ""
    if bool(report) == bool(slug):
        errors["dashboard"] = "Pick either a saved report or a dashboard, not both and not neither."
    elif slug and slug not in DASHBOARD_METRICS:
        errors["dashboard"] = (
            f"The dashboard {slug!r} cannot be scheduled; pick one of: {', '.join(DASHBOARD_METRICS)}."
        )
    if not 0 <= fields.get("hour", -1) <= 23:
        errors["hour"] = "Hour of the day in UTC: 0 to 23."
    if not 0 <= fields.get("weekday", -1) <= 6:
        errors["weekday"] = "Weekday: 0 (Sunday) to 6 (Saturday)."
    if not 1 <= fields.get("day_of_month", 0) <= 28:
        errors["day_of_month"] = "Day of the month: 1 to 28, so that every month has it."
    organization = fields.get("organization")
    if organization is not None and organization.is_internal:
        errors["organization"] = "Leave the organisation empty for our own (internal) schedules."
    owner = fields.get("owner")
    if owner is not None and not (owner.is_active and owner.is_staff):
        errors["owner"] = "The owner must be an active member of staff: they are told when a delivery fails."
    if not errors:
        try:
            recipients_check(
                organization=organization,
                users=recipient_users,
                roles=recipient_roles,
                addresses=fields.get("recipient_addresses", ""),
            )
        except ValidationError as exc:
            errors["recipients"] = exc.messages
    if errors:
        raise ValidationError(errors)


def schedule_save(
    *, actor, schedule: ReportSchedule | None = None, recipient_users=(), recipient_roles=(), **fields
) -> ReportSchedule:
    """Create or update a schedule and its beat task, in one transaction."""
    unknown = set(fields) - set(SCALAR_FIELDS)
    if unknown:
        raise TypeError(f"Unknown schedule fields: {', '.join(sorted(unknown))}")
    recipient_users, recipient_roles = list(recipient_users), list(recipient_roles)
    schedule = schedule or ReportSchedule()
    merged = {name: getattr(schedule, name, None) for name in SCALAR_FIELDS if name != "owner"}
    merged["owner"] = schedule.owner if schedule.owner_id else None
    merged.update(fields)
    schedule_validate(fields=merged, recipient_users=recipient_users, recipient_roles=recipient_roles)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(schedule, name, value)
        schedule.full_clean(exclude=["periodic_task"])
        created = schedule.pk is None
        schedule.save()
        schedule.recipient_users.set(recipient_users)
        schedule.recipient_roles.set(recipient_roles)
        _sync_periodic_task(schedule)
        audit_event_record(
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            obj=schedule,
            actor=actor,
            data={"schedule": schedule.name},
        )
    return schedule


def schedule_delete(*, schedule: ReportSchedule, actor) -> None:
    """Delete a schedule that never delivered, with its beat task; one with deliveries on record
    is kept (deactivate it instead)."""
    if schedule.deliveries.exists():
        raise ValidationError(
            f"{schedule} has deliveries on record, which are kept: deactivate the schedule instead."
        )
    with transaction.atomic():
        task = schedule.periodic_task
        audit_event_record(
            action=AuditEntry.Action.DELETE, obj=schedule, actor=actor, data={"schedule": schedule.name}
        )
        schedule.delete()
        if task is not None:
            task.delete()


def schedule_run_now(*, schedule: ReportSchedule, actor) -> datetime:
    """Send the schedule now, outside its cadence, as a slot of its own; returns the slot."""
    from reporting.tasks import deliver_schedule

    if not schedule.active:
        raise ValidationError(f"{schedule} is inactive: activate it before sending it.")
    due_at = timezone.now().replace(microsecond=0)
    audit_event_record(
        action=AuditEntry.Action.UPDATE, obj=schedule, actor=actor, data={"send_now": due_at.isoformat()}
    )
    transaction.on_commit(lambda: deliver_schedule.delay(schedule.pk, due_at.isoformat()))
    return due_at


def _sync_periodic_task(schedule: ReportSchedule) -> None:
    crontab, _ = CrontabSchedule.objects.get_or_create(**crontab_fields(schedule))
    task = schedule.periodic_task or PeriodicTask(name=f"reporting-schedule-{schedule.pk}")
    task.task = TASK
    task.crontab = crontab
    task.kwargs = json.dumps({"schedule_id": schedule.pk})
    task.enabled = schedule.active
    task.description = f"Scheduled report: {schedule.name}"
    task.save()
    if schedule.periodic_task_id != task.pk:
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])
