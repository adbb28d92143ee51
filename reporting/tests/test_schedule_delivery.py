"""Scheduled deliveries end to end: beat's own due-check over a frozen week, a real SMTP server,
the PDF read back with pdftotext."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import time_machine
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from portal.celery import app
from reporting.models import ReportDelivery
from reporting.tasks import deliver_schedule
from reporting.tests.marts_world import finish_run
from reporting.tests.schedules_world import (  # noqa: F401 - fixtures
    chloe,
    colleague,
    customer_org,
    internal_org,
    owner,
    saved_report,
    stranger,
    weekly,
)
from reporting.tests.smtp_server import pdf_text, smtp_down, smtp_server  # noqa: F401 - fixtures

SUNDAY = datetime(2026, 5, 3, 0, 0, tzinfo=UTC)
MONDAY_7 = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


def lines(text: str) -> set[str]:
    """pdftotext's lines with runs of spaces folded: a table row reads "Jan 2026 $13.2K"."""
    return {" ".join(line.split()) for line in text.splitlines()}


def run_beat(schedule, start: datetime, days: int, step=timedelta(minutes=15)) -> list[datetime]:
    """Tick like beat: ask the PeriodicTask's entry whether it is due, and when it is, reserve it
    (next(entry) records the run) and send its task with the entry's own arguments."""
    fired = []
    with time_machine.travel(start, tick=False) as clock:
        now = start
        while now < start + timedelta(days=days):
            entry = ModelEntry(PeriodicTask.objects.get(pk=schedule.periodic_task_id), app=app)
            if entry.is_due().is_due:
                entry = next(entry)
                entry.save()
                app.tasks[entry.task].apply_async(entry.args, entry.kwargs, **entry.options)
                fired.append(now)
            clock.shift(step)
            now += step
    return fired


def test_a_weekly_schedule_fires_once_in_a_week_and_mails_one_pdf_with_the_numbers(
    marts_world, smtp_server, owner, colleague, django_capture_on_commit_callbacks
):
    run = finish_run(django_capture_on_commit_callbacks)
    report = saved_report(owner, "arr", "mrr")
    with time_machine.travel(SUNDAY, tick=False):
        schedule = weekly(owner, report, recipients=[owner, colleague])
    assert run_beat(schedule, SUNDAY, days=7) == [MONDAY_7]
    [message] = smtp_server.messages
    assert message["To"] == "carla@example.test, dana@example.test"
    [pdf] = smtp_server.pdfs(message)
    text = pdf_text(pdf)
    assert "Board pack" in text and "ARR" in text and "MRR" in text
    assert f"Warehouse run #{run.pk}" in text
    assert {"Jan 2026 $13.2K", "Feb 2026 $19.2K", "Mar 2026 $18K", "Apr 2026 $17.4K"} <= lines(text)
    assert {"Jan 2026 $1.1K", "Apr 2026 $1.4K"} <= lines(text)
    delivery = ReportDelivery.objects.get()
    assert (delivery.due_at, delivery.status, delivery.attempts) == (MONDAY_7, "sent", 1)
    assert delivery.pdf_sha256 == hashlib.sha256(pdf).hexdigest() and delivery.pdf_pages >= 1
    assert delivery.warehouse_run == run
    assert delivery.recipients == ["carla@example.test", "dana@example.test"] and delivery.refused == []
