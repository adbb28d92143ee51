"""The token in an embed URL: the link id and its organisation, signed with SECRET_KEY.

The signature stops forgery and moving a link to another organisation; the row is still read
on every request, so revocation and expiry work at once. A token older than the longest a link
may live is refused before any lookup.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing

SALT = "portal.embeds.link"


def embed_token(link) -> str:
    return signing.dumps({"link": link.pk, "org": link.organization_id}, salt=SALT)


def embed_token_read(token: str) -> tuple[int, int] | None:
    """(link id, organisation id) of a genuine token, or None for anything else."""
    max_age = timedelta(days=settings.EMBED_LINK_MAX_DAYS + 1)
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(payload, dict):
        return None
    link_id, org_id = payload.get("link"), payload.get("org")
    if not (isinstance(link_id, int) and isinstance(org_id, int)):
        return None
    return link_id, org_id
