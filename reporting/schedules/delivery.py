"""One delivery of a schedule: claim the slot, build and render the report, e-mail it.

The slot's `ReportDelivery` row is created once (unique on schedule and slot) and locked while it
is worked on, so a retried or duplicated message waits for the first and then finds it sent:
nothing is ever sent twice. Attempts are counted on the row, not in the message, for the same
reason. SMTP failures are retried with back-off by the task; after the last attempt the delivery
is `failed` and the owner is told.
"""

from __future__ import annotations

import hashlib
import io
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from accounts import roles
from accounts.models import User
from reporting.models import ReportDelivery, ReportSchedule
from reporting.reports.pdf import render_pdf
from reporting.schedules.mail import owner_alert_send, report_message
from reporting.schedules.recipients import Recipients, recipients_resolve
from reporting.schedules.sources import schedule_document
from warehouse.reads.query import ReadDenied, ReadInvalid

logger = logging.getLogger(__name__)
Status = ReportDelivery.Status
MAX_ATTEMPTS = 4
RETRY_BASE_SECONDS = 60  # then 120, 240: the three retries span about seven minutes
FINISHED = {Status.SENT, Status.FAILED, Status.SKIPPED}
ALERTED = {Status.FAILED, Status.SKIPPED}


@dataclass
class Outcome:
    delivery: ReportDelivery
    retry_in: int | None = None  # seconds until the next attempt, when one is due


def delivery_send(*, schedule_id: int, due_at: datetime) -> Outcome:
    """Deliver `schedule_id`'s slot `due_at` unless it is already finished."""
    with transaction.atomic():
        delivery = _claim(schedule_id, due_at)
        if delivery.status in FINISHED:
            return Outcome(delivery)
        outcome = _attempt(delivery)
    if outcome.delivery.status in ALERTED:
        _alert_owner(outcome.delivery)
    return outcome


def schedule_recipients(schedule: ReportSchedule) -> Recipients:
    return recipients_resolve(
        organization=schedule.organization,
        users=schedule.recipient_users.select_related("organization"),
        roles=schedule.recipient_roles.all(),
        addresses=schedule.recipient_addresses,
    )


def _claim(schedule_id: int, due_at: datetime) -> ReportDelivery:
    ReportDelivery.objects.get_or_create(schedule_id=schedule_id, due_at=due_at)
    return (
        ReportDelivery.objects.select_for_update(of=("self",))
        .select_related("schedule__owner", "schedule__report", "schedule__organization")
        .get(schedule_id=schedule_id, due_at=due_at)
    )


def _attempt(delivery: ReportDelivery) -> Outcome:
    schedule = delivery.schedule
    recipients = schedule_recipients(schedule)
    delivery.recipients, delivery.refused = recipients.addresses, recipients.refused
    if not recipients.users:
        return _finish(delivery, Status.SKIPPED, "Nobody could receive it: no valid recipient is left.")
    reader = _reader(schedule, recipients)
    if reader is None:
        return _finish(
            delivery,
            Status.SKIPPED,
            f"No active customer viewer of {schedule.organization} is among the recipients: the report "
            f"is read as one of them, so that only {schedule.organization}'s rows appear.",
        )
    try:
        document = schedule_document(schedule, reader=reader, today=delivery.due_at.date())
    except (ReadDenied, ReadInvalid) as exc:
        return _finish(
            delivery, Status.FAILED, f"The warehouse refused to read the report as {reader}: {exc}"
        )
    pdf = render_pdf(document)
    delivery.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    delivery.pdf_pages = len(PdfReader(io.BytesIO(pdf)).pages)
    delivery.warehouse_run_id = document.freshness.run_id
    delivery.attempts += 1
    message = report_message(
        schedule=schedule, document=document, pdf=pdf, addresses=recipients.addresses, due_at=delivery.due_at
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        return _failed_attempt(delivery, exc)
    return _finish(delivery, Status.SENT, " ".join(document.notes))


def _reader(schedule: ReportSchedule, recipients: Recipients) -> User | None:
    """Whom the report is read as: internal, its owner; a customer's, one of its customer viewers
    among the recipients, so that the read path's row filter keeps to that organisation."""
    if schedule.organization_id is None:
        return schedule.owner
    viewers = User.objects.filter(
        pk__in=[user.pk for user in recipients.users], groups__name=roles.CUSTOMER_VIEWER, is_active=True
    )
    return viewers.order_by("pk").first()


def _failed_attempt(delivery: ReportDelivery, exc: Exception) -> Outcome:
    when = f"{timezone.now():%Y-%m-%d %H:%M:%S} UTC"
    failure = f"Attempt {delivery.attempts} at {when}: the mail could not be sent ({exc})."
    delivery.note = f"{delivery.note}\n{failure}".strip()
    if delivery.attempts >= MAX_ATTEMPTS:
        return _finish(delivery, Status.FAILED, f"Gave up after {delivery.attempts} attempts.")
    delivery.status = Status.RETRYING
    delivery.save()
    return Outcome(delivery, retry_in=RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1))


def _finish(delivery: ReportDelivery, status: str, note: str) -> Outcome:
    """End the delivery; `note` follows the failed attempts' lines, if any."""
    delivery.note = "\n".join(part for part in (delivery.note, note.strip()) if part)
    delivery.status, delivery.finished_at = status, timezone.now()
    delivery.save()
    return Outcome(delivery)


def _alert_owner(delivery: ReportDelivery) -> None:
    try:
        owner_alert_send(delivery=delivery)
    except (smtplib.SMTPException, OSError) as exc:
        logger.error("Could not alert the owner of %s: %s", delivery, exc)
        delivery.note = f"{delivery.note}\nThe owner could not be told by e-mail either ({exc})."
        delivery.save(update_fields=["note"])
    logger.error("Scheduled report %s ended %s: %s", delivery, delivery.status, delivery.note)
