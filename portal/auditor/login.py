"""Auditor sign-in at /portal/: password (through axes, so lockout works as for staff) + TOTP."""

import time

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from accounts import roles
from portal.access import portal_access_record
from portal.auditor.forms import LoginForm
from portal.auditor.guard import SEEN_KEY, idle_expired
from portal.models import Engagement, PortalAccess

REFUSED = "Sign-in refused: the username, password or authenticator code is not right."


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}) and target.startswith("/portal/")
    return target if ok else "portal:index"


def _second_factor(request, user, token):
    """The auditor's matching TOTP device, or None. A right password with a wrong code (or on a
    non-auditor account) counts as a failed login, so axes locks the account as for staff.
    """
    if user is None:
        return None  # authenticate() already reported the failure
    auditor = user.groups.filter(name=roles.AUDITOR).exists()
    device = match_token(user, token) if auditor else None
    if device is None:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
    return device


@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    """Signed in: the auditor's live engagements. Otherwise: the sign-in form."""
    if request.user.is_authenticated and request.user.is_verified() and not idle_expired(request):
        if request.method == "POST":
            return HttpResponseNotAllowed(["GET", "HEAD"])
        engagements = Engagement.objects.visible_to(request.user).select_related("framework")
        portal_access_record(request=request, engagement=None, kind=PortalAccess.Kind.VIEW, status_code=200)
        return render(request, "portal/auditor/engagements.html", {"engagements": engagements})
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = authenticate(request, username=data["username"], password=data["password"])
        device = _second_factor(request, user, data["token"])
        if device is not None:
            login(request, user)
            otp_login(request, device)
            request.session[SEEN_KEY] = time.time()
            return redirect(_next(request))
        form.add_error(None, REFUSED)
    return render(request, "portal/auditor/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:index")
