from datetime import date

from celery import shared_task
from django.utils import timezone

from submissions.services import correspondence_reminders_send


@shared_task
def send_correspondence_reminders(today: str | None = None) -> int:
    """Daily: remind owners of agency questions coming due, and flag the overdue ones."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return correspondence_reminders_send(today=day)
