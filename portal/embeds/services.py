"""Writes of embed links: create and revoke (each an explicit event in the audit trail), and
the throttled last-used stamp."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_event_record
from accounts.models import AuditEntry
from portal.customer.dashboards import CUSTOMER_DASHBOARDS
from portal.embeds.selectors import reader_refusal
from portal.models import EmbedLink

# last_used_at is written at most this often: a busy intranet page must not write on every view.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _check_expiry(expires_at: datetime | None) -> None:
    now = timezone.now()
    longest = settings.EMBED_LINK_MAX_DAYS
    if expires_at is None:
        raise ValidationError({"expires_at": "Every embed link needs an expiry date."})
    if expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if expires_at > now + timedelta(days=longest):
        raise ValidationError({"expires_at": f"An embed link may run for at most {longest} days."})


def embed_link_check(*, organization, dashboard: str, reader, expires_at: datetime | None) -> None:
    """Raise ValidationError (by field) unless a link with these terms may be created; the
    admin's form runs it too, so mistakes show beside the fields and nothing is saved."""
    if dashboard not in CUSTOMER_DASHBOARDS:
        choices = ", ".join(CUSTOMER_DASHBOARDS.values())
        raise ValidationError({"dashboard": f"Choose one of the customer dashboards: {choices}."})
    _check_expiry(expires_at)
    refusal = reader_refusal(reader, organization)
    if refusal:
        raise ValidationError({"reader": f"{refusal} Choose an active customer viewer of {organization}."})


def embed_link_create(
    *, organization, dashboard: str, reader, expires_at: datetime | None, actor, label: str = ""
) -> EmbedLink:
    """A link to `dashboard` of `organization`, read as `reader` until `expires_at`."""
    if not actor.has_perm("portal.add_embedlink"):
        raise PermissionDenied("You may not create embed links.")
    embed_link_check(organization=organization, dashboard=dashboard, reader=reader, expires_at=expires_at)
    link = EmbedLink(
        organization=organization, dashboard=dashboard, reader=reader,
        expires_at=expires_at, created_by=actor, label=label.strip(),
    )  # fmt: skip
    link.full_clean()
    with transaction.atomic():
        link.save()
        audit_event_record(
            action=AuditEntry.Action.CREATE, obj=link, actor=actor,
            data={
                "event": "embed link created", "organization": organization.pk,
                "dashboard": dashboard, "reader": reader.pk, "expires_at": expires_at.isoformat(),
            },
        )  # fmt: skip
    return link


def embed_link_revoke(*, link: EmbedLink, actor) -> EmbedLink:
    """End the link now; the next request through it is refused. Revoking twice changes nothing."""
    if not actor.has_perm("portal.revoke_embedlink"):
        raise PermissionDenied("You may not revoke embed links.")
    with transaction.atomic():
        link = EmbedLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is not None:
            return link
        link.revoked_at, link.revoked_by = timezone.now(), actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_event_record(
            action=AuditEntry.Action.UPDATE, obj=link, actor=actor, data={"event": "embed link revoked"}
        )
    return link


def embed_link_mark_used(*, link: EmbedLink) -> None:
    now = timezone.now()
    if link.last_used_at is None or now - link.last_used_at >= LAST_USED_RESOLUTION:
        # A plain UPDATE: the access log holds every view; this is only the list's summary.
        EmbedLink.objects.filter(pk=link.pk).update(last_used_at=now)
