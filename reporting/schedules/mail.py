"""The e-mails of a schedule: the report with its PDF attached, and the alert to its owner."""

from __future__ import annotations

from django.core.mail import EmailMessage, send_mail
from django.utils.text import slugify

from reporting.reports.document import ReportDocument


def report_message(*, schedule, document: ReportDocument, pdf: bytes, addresses, due_at) -> EmailMessage:
    lines = [
        f"{document.title}",
        f"{document.subtitle}",
        "",
        *[f"Note: {note}" for note in document.notes],
        *([""] if document.notes else []),
        f"The numbers come from: {document.freshness}.",
        "The report is attached as a PDF.",
        "",
        f"You receive this because you are a recipient of the schedule {schedule.name!r} "
        f"({schedule.owner} manages it).",
    ]
    message = EmailMessage(
        subject=f"[Custodian] {document.title} · {due_at:%d %b %Y}",
        body="\n".join(lines),
        to=list(addresses),
    )
    message.attach(f"{slugify(document.title) or 'report'}-{due_at:%Y-%m-%d}.pdf", pdf, "application/pdf")
    return message


def owner_alert_send(*, delivery) -> None:
    """Tell the schedule's owner that a delivery ended without reaching its recipients."""
    schedule = delivery.schedule
    if not schedule.owner.email:
        return
    send_mail(
        f"[Custodian] scheduled report not delivered: {schedule.name}",
        f"The delivery of {schedule.name!r} for {delivery.due_at:%Y-%m-%d %H:%M} UTC ended "
        f"{delivery.get_status_display().lower()} after {delivery.attempts} attempt(s).\n\n"
        f"{delivery.note}\n\nThe delivery is listed under Reporting > Report deliveries in Custodian.",
        None,
        [schedule.owner.email],
    )
