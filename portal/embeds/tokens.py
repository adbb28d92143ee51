"""The token in an embed URL: the link id and its organisation, signed with SECRET_KEY.

The signature stops forgery and moving a link to another organisation; the row is still read
on every request, so revocation and expiry work at once. The token carries no timestamp, so a
link has exactly one URL, the same each time the admin shows it.
"""

from django.core import signing

SALT = "portal.embeds.link"


def embed_token(link) -> str:
    return signing.Signer(salt=SALT).sign_object({"link": link.pk, "org": link.organization_id})


def embed_token_read(token: str) -> tuple[int, int] | None:
    """(link id, organisation id) of a genuine token, or None for anything else."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    link_id, org_id = payload.get("link"), payload.get("org")
    if not (type(link_id) is int and type(org_id) is int):
        return None
    return link_id, org_id
