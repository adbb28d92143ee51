"""Recording portal activity (portal.models.PortalAccess) and the regulated part in the trail."""

from accounts.audit import audit_event_record
from accounts.models import AuditEntry
from portal.models import PortalAccess


def portal_access_record(
    *,
    request,
    engagement=None,
    kind: str,
    status_code: int,
    detail: str = "",
    portal: str = PortalAccess.Portal.AUDITOR,
    organization=None,
) -> PortalAccess:
    meta = request.META
    return PortalAccess.objects.create(
        portal=portal,
        engagement=engagement,
        organization=organization,
        user=request.user,
        kind=kind,
        method=request.method,
        path=request.get_full_path()[:500],
        status_code=status_code,
        detail=detail[:300],
        ip_address=meta.get("REMOTE_ADDR") or None,
        user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
    )


def download_record(
    *, request, engagement, obj, filename: str, sha256: str = "", watermark: str = "file name"
) -> None:
    """A download is a regulated fact: an explicit EXPORT event in the hash-chained trail.

    `sha256` is the stored original's; `watermark` says whether the bytes sent were that file
    ("file name") or a stamped copy of it ("file name and PDF footer").
    """
    audit_event_record(
        action=AuditEntry.Action.EXPORT,
        obj=obj,
        actor=request.user,
        data={
            "engagement": engagement.pk, "filename": filename, "sha256": sha256,
            "watermark": watermark, "via": "auditor portal",
        },
    )  # fmt: skip
    request.portal_detail = filename  # the gate writes it on the access-log row
