"""Scheduled deliveries end to end: beat's own due-check over a frozen week, a real SMTP server,
the PDF read back with pdftotext."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from portal.celery import app
from reporting.models import ReportDelivery
from reporting.schedules.delivery import MAX_ATTEMPTS, delivery_send
from reporting.tasks import deliver_schedule
from reporting.tests.marts_world import finish_run
from reporting.tests.schedules.smtp import pdf_text
from reporting.tests.schedules.world import saved_report, weekly
from warehouse.reads.models import AccessLog

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


def test_a_duplicated_or_retried_message_never_sends_twice(marts_world, smtp_server, owner):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    with time_machine.travel(MONDAY_7 + timedelta(minutes=1), tick=False):
        assert deliver_schedule.delay(schedule.pk).get() == "sent"
    with time_machine.travel(MONDAY_7 + timedelta(hours=3), tick=False):  # a late duplicate of the same slot
        assert deliver_schedule.delay(schedule.pk).get() == "sent"
        assert deliver_schedule.delay(schedule.pk, MONDAY_7.isoformat()).get() == "sent"
    assert len(smtp_server.messages) == 1
    assert ReportDelivery.objects.get().attempts == 1


def like_a_worker(kwargs: dict) -> tuple[str, list]:
    """Apply the task as a worker would, and each retry message it sends, until it ends; returns
    the result and each retry's (countdown, kwargs)."""
    retries = []
    while True:
        try:
            return deliver_schedule.apply(kwargs=kwargs, retries=len(retries)).get(), retries
        except Retry as retry:
            kwargs = retry.sig.kwargs
            retries.append((retry.when, kwargs))


def test_a_refused_mail_is_retried_with_back_off_and_delivered_once(marts_world, smtp_server, owner, queued):
    smtp_server.refuse = lambda message: smtp_server.refused < 2
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    with time_machine.travel(MONDAY_7 + timedelta(minutes=2), tick=False):
        result, retries = like_a_worker({"schedule_id": schedule.pk})
    slot = {"schedule_id": schedule.pk, "due_at": MONDAY_7.isoformat()}
    assert (result, retries) == ("sent", [(60, slot), (120, slot)])
    delivery = ReportDelivery.objects.get()
    assert (delivery.status, delivery.attempts, len(smtp_server.messages)) == ("sent", 3, 1)
    assert delivery.note.count("the mail could not be sent") == 2 and "554" in delivery.note


def test_without_a_broker_a_refused_mail_is_tried_again_at_once(marts_world, smtp_server, owner):
    smtp_server.refuse = lambda message: smtp_server.refused < 1
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    with time_machine.travel(MONDAY_7, tick=False):
        assert deliver_schedule.delay(schedule.pk).get() == "sent"
    assert ReportDelivery.objects.get().attempts == 2 and len(smtp_server.messages) == 1


def test_between_attempts_the_delivery_shows_retrying(marts_world, smtp_down, owner, queued):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    with time_machine.travel(MONDAY_7, tick=False), pytest.raises(Retry):
        deliver_schedule.apply(kwargs={"schedule_id": schedule.pk})
    delivery = ReportDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("retrying", 1)


def test_after_the_last_retry_the_delivery_fails_and_the_owner_is_alerted(
    marts_world, smtp_server, owner, colleague, client, queued
):
    smtp_server.refuse = lambda message: "not delivered" not in message["Subject"]
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[colleague])
    with time_machine.travel(MONDAY_7, tick=False):
        result, retries = like_a_worker({"schedule_id": schedule.pk})
    assert (result, [when for when, _ in retries]) == ("failed", [60, 120, 240])
    delivery = ReportDelivery.objects.get()
    assert (delivery.status, delivery.attempts, smtp_server.refused) == ("failed", MAX_ATTEMPTS, MAX_ATTEMPTS)
    assert "Gave up after 4 attempts" in delivery.note
    [alert] = smtp_server.messages
    assert alert["To"] == "dana@example.test" and "Board pack weekly" in alert["Subject"]
    assert "Gave up after 4 attempts" in alert.get_content()
    client.force_login(owner)
    page = client.get("/admin/reporting/reportdelivery/?status__exact=failed").content.decode()
    assert "Board pack weekly" in page and "Failed" in page


def test_with_the_mail_server_down_the_failure_is_kept_on_the_delivery(marts_world, smtp_down, owner):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    with time_machine.travel(MONDAY_7, tick=False):
        assert deliver_schedule.delay(schedule.pk).get() == "failed"
    note = ReportDelivery.objects.get().note
    assert "Connection refused" in note and "The owner could not be told by e-mail either" in note


def test_a_customer_schedule_reads_only_that_customers_rows_as_its_viewer(
    marts_world, smtp_server, owner, chloe, customer_org
):
    report = saved_report(owner, "work_orders_completed", name="Your work orders")
    schedule = weekly(
        owner, report, recipients=[chloe], organization=customer_org, cadence="monthly", day_of_month=1
    )
    with time_machine.travel(datetime(2026, 5, 1, 7, 5, tzinfo=UTC), tick=False):
        assert deliver_schedule.delay(schedule.pk).get() == "sent"
    [message] = smtp_server.messages
    text = lines(pdf_text(smtp_server.pdfs(message)[0]))
    # tenant 1 alone: 8, 11 and 9 completed; all tenants would read 12 and 14 in January and February
    assert {"Jan 2026 8", "Feb 2026 11", "Apr 2026 9"} <= text
    assert not {"Jan 2026 12", "Feb 2026 14"} & text
    assert AccessLog.objects.filter(user=chloe, outcome=AccessLog.Outcome.ALLOWED).exists()
    assert ReportDelivery.objects.get().due_at == datetime(2026, 5, 1, 7, 0, tzinfo=UTC)


def test_a_customer_schedule_without_a_customer_viewer_is_skipped_and_the_owner_told(
    marts_world, smtp_server, owner, customer_org
):
    from accounts.tests.factories import UserFactory

    clerk = UserFactory(username="cleo", organization=customer_org)  # of the customer, but no viewer role
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[clerk], organization=customer_org)
    with time_machine.travel(MONDAY_7, tick=False):
        assert deliver_schedule.delay(schedule.pk).get() == "skipped"
    delivery = ReportDelivery.objects.get()
    assert "No active customer viewer of Helix Pharma" in delivery.note
    [alert] = smtp_server.messages
    assert alert["To"] == "dana@example.test" and not AccessLog.objects.exists()


def test_a_recipient_who_left_the_organisation_is_refused_at_sending(
    marts_world, smtp_server, owner, colleague, stranger
):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner, colleague])
    colleague.organization = stranger.organization
    colleague.save()
    with time_machine.travel(MONDAY_7, tick=False):
        deliver_schedule.delay(schedule.pk).get()
    [message] = smtp_server.messages
    assert message["X-Envelope-To"] == "dana@example.test"
    refused = ReportDelivery.objects.get().refused
    assert refused == [
        {"recipient": "Carla Officer", "reason": "internal reports go only to staff of our own organisation"}
    ]


def test_a_removed_metric_is_left_out_with_a_note_in_the_pdf_and_the_mail(marts_world, smtp_server, owner):
    schedule = weekly(owner, saved_report(owner, "arr", "bookings_retired"), recipients=[owner])
    with time_machine.travel(MONDAY_7, tick=False):
        assert deliver_schedule.delay(schedule.pk).get() == "sent"
    [message] = smtp_server.messages
    note = "The metric 'bookings_retired' is no longer in the metric layer and was left out."
    assert note in message.get_body(("plain",)).get_content()
    text = " ".join(pdf_text(smtp_server.pdfs(message)[0]).split())
    assert note in text and "Jan 2026 $13.2K" in text
    assert note in ReportDelivery.objects.get().note


def test_a_report_with_no_metric_left_is_still_delivered_saying_why(marts_world, smtp_server, owner):
    schedule = weekly(owner, saved_report(owner, "bookings_retired"), recipients=[owner])
    with time_machine.travel(MONDAY_7, tick=False):
        assert deliver_schedule.delay(schedule.pk).get() == "sent"
    text = " ".join(pdf_text(smtp_server.pdfs(smtp_server.messages[0])[0]).split())
    assert "could not be read as saved: None of its metrics is in the metric layer any more." in text


def test_an_empty_period_is_delivered_with_a_clear_note(marts_world, smtp_server, owner):
    report = saved_report(owner, "arr", start=date(2020, 1, 1), end=date(2020, 12, 31))
    schedule = weekly(owner, report, recipients=[owner])
    with time_machine.travel(MONDAY_7, tick=False):
        assert deliver_schedule.delay(schedule.pk).get() == "sent"
    [message] = smtp_server.messages
    assert "No data for this period." in message.get_body(("plain",)).get_content()
    text = " ".join(pdf_text(smtp_server.pdfs(message)[0]).split())
    assert "No data for this period." in text and ReportDelivery.objects.get().pdf_pages == 1


def test_an_inactive_schedule_sends_nothing(marts_world, smtp_server, owner):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner], active=False)
    assert deliver_schedule.delay(schedule.pk).get() == "inactive"
    assert not ReportDelivery.objects.exists() and not smtp_server.messages


def test_the_queries_of_a_delivery_do_not_grow_with_its_recipients(
    marts_world, smtp_server, owner, internal_org, django_assert_max_num_queries
):
    from accounts.tests.factories import UserFactory

    report = saved_report(owner, "arr")
    few = weekly(owner, report, recipients=[owner], name="Few")
    staff = [UserFactory(role="Executive", organization=internal_org) for _ in range(12)]
    many = weekly(
        owner, report, recipients=[owner, *staff], recipient_addresses="\n".join(u.email for u in staff)
    )
    with django_assert_max_num_queries(60) as counted:
        delivery_send(schedule_id=few.pk, due_at=MONDAY_7)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        delivery_send(schedule_id=many.pk, due_at=MONDAY_7)
    assert [len(m["X-Envelope-To"].split(", ")) for m in smtp_server.messages] == [1, 13]


def test_a_dashboard_schedule_sends_the_dashboards_metrics_over_the_last_12_months(
    marts_world, smtp_server, owner
):
    schedule = weekly(owner, None, recipients=[owner], dashboard="executive", name="Executive weekly")
    with time_machine.travel(MONDAY_7, tick=False):
        assert deliver_schedule.delay(schedule.pk).get() == "sent"
    text = pdf_text(smtp_server.pdfs(smtp_server.messages[0])[0])
    assert "Executive dashboard" in text and "1 May 2025 to 30 Apr 2026, monthly" in text
    assert {"Jan 2026 $13.2K", "Apr 2026 $17.4K"} <= lines(text)
    for heading in ("ARR", "Customers", "Gross margin"):
        assert heading in lines(text)
