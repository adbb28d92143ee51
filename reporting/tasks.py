"""Celery tasks of reporting: take ids, call services, safe to run twice."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from reporting.models import ReportSchedule
from reporting.schedules.cadence import slot_at
from reporting.schedules.delivery import delivery_send


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_schedule(self, schedule_id: int, due_at: str | None = None) -> str:
    """Beat's entry point for a schedule (and "Send now"'s, with its own slot).

    Without `due_at` the slot is the latest scheduled time, so a late or duplicated message still
    serves the slot it was meant for. A refused mail is retried with back-off; the retry carries
    the slot, so it can never spill into the next one.
    """
    schedule = ReportSchedule.objects.filter(pk=schedule_id, active=True).first()
    if schedule is None:
        return "inactive"
    slot = datetime.fromisoformat(due_at) if due_at else slot_at(schedule, timezone.now())
    outcome = delivery_send(schedule_id=schedule_id, due_at=slot)
    while outcome.retry_in is not None and self.app.conf.task_always_eager:
        # Tasks run in-process (no broker): no worker will come back later, so try again at once.
        outcome = delivery_send(schedule_id=schedule_id, due_at=slot)
    if outcome.retry_in is not None:
        raise self.retry(
            kwargs={"schedule_id": schedule_id, "due_at": slot.isoformat()}, countdown=outcome.retry_in
        )
    return outcome.delivery.status
