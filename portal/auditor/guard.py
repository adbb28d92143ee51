"""The one gate every auditor page passes: method, MFA session, idle timeout, live grant, terms, log.

Expiry and revocation are checked here on every request (a live grant is looked up each time),
so a grant that ends mid-session refuses the next click without any job having run.
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect

from accounts.sessions import refresh_due
from portal.access import portal_access_record
from portal.models import PortalAccess
from portal.selectors import engagement_with_live_grant

SAFE = ("GET", "HEAD")
SEEN_KEY = "portal_seen"


def _signed_in(request) -> bool:
    user = request.user
    return user.is_authenticated and user.is_verified()


def idle_expired(request) -> bool:
    """True (and the session ended) when the last recorded portal request is older than the idle
    limit. Activity is recorded at most every SESSION_REFRESH_SECONDS (no session write per page),
    so an auditor is signed out between PORTAL_IDLE_SECONDS minus that and PORTAL_IDLE_SECONDS
    after their last request."""
    seen = request.session.get(SEEN_KEY)
    if seen is not None and time.time() - seen > settings.PORTAL_IDLE_SECONDS:
        logout(request)
        return True
    refresh_due(request.session, SEEN_KEY, settings.SESSION_REFRESH_SECONDS)
    return False


def auditor_page(*, writes=(), kind=PortalAccess.Kind.VIEW, terms=True):
    """Decorate a view taking `(request, grant, engagement, **kwargs)`.

    `writes` lists the write methods the view accepts (only the evidence-request pages do);
    every other write method answers 405 before anything is looked up.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, engagement_id, **kwargs):
            if request.method not in SAFE + tuple(writes):
                return HttpResponseNotAllowed(SAFE + tuple(writes))
            if not _signed_in(request) or idle_expired(request):
                return redirect(f"{settings.PORTAL_LOGIN_URL}?next={request.path}")
            engagement, grant = engagement_with_live_grant(engagement_id, request.user)
            if grant is None:
                portal_access_record(
                    request=request, engagement=None, kind=PortalAccess.Kind.DENIED, status_code=404
                )
                raise Http404("No such engagement.")
            if terms and engagement.confidentiality_terms and grant.acknowledged_at is None:
                return redirect("portal:terms", engagement_id=engagement.pk)
            response = view(request, grant, engagement, **kwargs)
            logged = PortalAccess.Kind.REQUEST if request.method not in SAFE else kind
            portal_access_record(
                request=request, engagement=engagement, kind=logged,
                status_code=response.status_code, detail=getattr(request, "portal_detail", ""),
            )  # fmt: skip
            return response

        return wrapper

    return decorate
