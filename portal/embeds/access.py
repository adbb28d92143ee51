"""Recording embed views in the customer access log (portal.PortalAccess, portal "customer"), as
the link's reader. A token that names no link has no reader or organisation to log under, so it
goes to the server log only. The token itself is never logged: it is a bearer secret."""

import logging

from portal.models import EmbedLink, PortalAccess

logger = logging.getLogger("portal.embeds")


def embed_access_record(*, request, link: EmbedLink | None, status_code: int, refusal: str = "") -> None:
    if link is None:
        logger.warning("Embed refused: a token that names no link, from %s", request.META.get("REMOTE_ADDR"))
        return
    meta = request.META
    kind = PortalAccess.Kind.VIEW if status_code == 200 else PortalAccess.Kind.DENIED
    detail = f"embed link #{link.pk} {link.dashboard}" + (f": {refusal}" if refusal else "")
    PortalAccess.objects.create(
        portal=PortalAccess.Portal.CUSTOMER,
        organization=link.organization,
        user=link.reader,
        kind=kind,
        method=request.method,
        path=f"/embed/link-{link.pk}/",
        status_code=status_code,
        detail=detail[:300],
        ip_address=meta.get("REMOTE_ADDR") or None,
        user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
    )
