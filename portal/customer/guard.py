"""The one gate every customer page passes: method, MFA session, idle timeout, role, log.

Checks, in order: a write method answers 405 (logged when someone is signed in); no verified
(password + TOTP) session, or an idle one, goes to the sign-in page; anyone who is not an active
customer viewer with an organisation is refused (403, logged as refused); otherwise the view runs
with the user's organisation and its answer is logged as a view or a download.
"""

from functools import wraps

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import roles
from portal.access import portal_access_record
from portal.auditor.guard import SAFE, idle_expired
from portal.models import PortalAccess

CUSTOMER = PortalAccess.Portal.CUSTOMER


def is_customer_viewer(user) -> bool:
    return (
        user.is_active
        and user.organization_id is not None
        and roles.CUSTOMER_VIEWER in roles.held_roles(user)
    )


def _log(request, kind, status_code, organization=None):
    portal_access_record(
        request=request,
        kind=kind,
        status_code=status_code,
        detail=getattr(request, "portal_detail", ""),
        portal=CUSTOMER,
        organization=organization,
    )


def customer_page(*, kind=PortalAccess.Kind.VIEW):
    """Decorate a view taking `(request, organization, **kwargs)`; see the module docstring."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, **kwargs):
            user = request.user
            if request.method not in SAFE:
                if user.is_authenticated:
                    _log(request, PortalAccess.Kind.DENIED, 405)
                return HttpResponseNotAllowed(SAFE)
            if not (user.is_authenticated and user.is_verified()) or idle_expired(request):
                return redirect(f"{reverse('customer:sign_in')}?next={request.path}")
            if not is_customer_viewer(user):
                _log(request, PortalAccess.Kind.DENIED, 403)
                return render(request, "portal/customer/refused.html", status=403)
            try:
                response = view(request, user.organization, **kwargs)
            except Http404:
                _log(request, PortalAccess.Kind.DENIED, 404, user.organization)
                raise
            _log(
                request,
                kind if response.status_code < 400 else PortalAccess.Kind.DENIED,
                response.status_code,
                user.organization,
            )
            return response

        return wrapper

    return decorate
