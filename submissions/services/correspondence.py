from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from submissions.models import Correspondence, CorrespondenceLink, CorrespondenceReminder
from submissions.services.sequences import SubmissionError

FLOW = {
    Correspondence.Status.DRAFT: {Correspondence.Status.REVIEW},
    Correspondence.Status.REVIEW: {Correspondence.Status.DRAFT, Correspondence.Status.SIGNED},
    Correspondence.Status.SIGNED: {Correspondence.Status.DRAFT, Correspondence.Status.SENT},
    Correspondence.Status.SENT: set(),
}


def correspondence_transition(
    *, item: Correspondence, to: str, actor, today: date | None = None
) -> Correspondence:
    with transaction.atomic():
        item = Correspondence.objects.select_for_update().get(pk=item.pk)
        if to not in FLOW[item.status]:
            raise SubmissionError(
                f"A response that is '{item.get_status_display()}' cannot become "
                f"'{Correspondence.Status(to).label}'."
            )
        item.status = to
        if to == Correspondence.Status.SENT:
            item.responded_on = today or date.today()
        item.save()
    return item


def correspondence_link(*, item: Correspondence, target, note: str = "", actor) -> CorrespondenceLink:
    """Record that the response relies on `target` (a CAPA, finding, evidence, document …)."""
    link = CorrespondenceLink(
        correspondence=item,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        note=note,
    )
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:
        raise SubmissionError(f"{target} is already linked to this item.") from exc
    return link


def _due_kind(item: Correspondence, today: date) -> str | None:
    if item.due_on < today:
        return CorrespondenceReminder.Kind.OVERDUE
    if item.due_on == today + timedelta(days=1):
        return CorrespondenceReminder.Kind.DUE_IN_1
    if today < item.due_on <= today + timedelta(days=7):
        return CorrespondenceReminder.Kind.DUE_IN_7
    return None


def correspondence_reminders_send(*, today: date) -> int:
    """E-mail each open item's owner once per stage: a week before, the day before, once overdue.

    Safe to run as often as wanted: a reminder already recorded is not sent again.
    """
    sent = 0
    for item in Correspondence.objects.open().select_related("owner", "application"):
        kind = _due_kind(item, today)
        if kind is None:
            continue
        with transaction.atomic():
            _, created = CorrespondenceReminder.objects.get_or_create(correspondence=item, kind=kind)
            if not created:
                continue
            label = CorrespondenceReminder.Kind(kind).label
            send_mail(
                subject=f"[Custodian] {label}: {item.subject}",
                message=(
                    f"{item.get_kind_display()} for {item.application} (received {item.received_on}) "
                    f"is due on {item.due_on}. Response status: {item.get_status_display()}."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[item.owner.email],
            )
        sent += 1
    return sent
