"""Reads of embed links: the link behind a token, why a link no longer renders, the admin's list."""

from django.utils import timezone

from accounts import roles
from portal.customer.dashboards import CUSTOMER_DASHBOARDS
from portal.embeds.tokens import embed_token_read
from portal.models import EmbedLink, EmbedOrigin


def embed_link_for_token(token: str) -> EmbedLink | None:
    """The link a genuine token names, still in the organisation it was signed for; else None."""
    ids = embed_token_read(token)
    if ids is None:
        return None
    link_id, org_id = ids
    return (
        EmbedLink.objects.select_related("organization", "reader")
        .filter(pk=link_id, organization_id=org_id)
        .first()
    )


def reader_refusal(reader, organization) -> str:
    """Why `reader` cannot read for `organization` (empty when they can): an active customer
    viewer who belongs to it."""
    if not reader.is_active:
        return "The reader's account is deactivated."
    if reader.organization_id != organization.pk:
        return f"The reader does not belong to {organization}."
    if roles.CUSTOMER_VIEWER not in roles.held_roles(reader):
        return "The reader is not a customer viewer."
    return ""


def embed_link_refusal(link: EmbedLink, at=None) -> str:
    """Why `link` does not render now (empty when it does); checked on every request."""
    at = at or timezone.now()
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= at:
        return "expired"
    if link.dashboard not in CUSTOMER_DASHBOARDS:
        return "unknown dashboard"
    return reader_refusal(link.reader, link.organization)


def embed_origins(organization_id: int) -> list[str]:
    return list(
        EmbedOrigin.objects.filter(organization_id=organization_id)
        .order_by("origin")
        .values_list("origin", flat=True)
    )


def embed_link_list(user):
    """Links `user` may see, with their status, organisation and people in the same query."""
    return (
        EmbedLink.objects.visible_to(user)
        .with_status()
        .select_related("organization", "reader", "created_by", "revoked_by")
    )
