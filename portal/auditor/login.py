"""Auditor sign-in at /portal/: password (through axes, so lockout works as for staff) + TOTP."""

import time

from django.contrib.auth import authenticate, login, logout
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from accounts import roles
from portal.access import portal_access_record
from portal.auditor.forms import LoginForm
from portal.auditor.guard import SEEN_KEY, idle_expired
from portal.mfa import second_factor_match
from portal.models import Engagement, PortalAccess

REFUSED = "Sign-in refused: the username, password or authenticator code is not right."


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}) and target.startswith("/portal/")
    return target if ok else "portal:index"


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
        device = second_factor_match(request=request, user=user, token=data["token"], role=roles.AUDITOR)
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
