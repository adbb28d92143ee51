"""Customer sign-in at /customer/sign-in/: password (through axes) + TOTP, as for auditors."""

import time

from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from accounts import roles
from portal.auditor.forms import LoginForm
from portal.auditor.guard import SEEN_KEY
from portal.auditor.login import REFUSED
from portal.mfa import second_factor_match


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}) and target.startswith("/customer/")
    return target if ok else "customer:home"


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = authenticate(request, username=data["username"], password=data["password"])
        device = second_factor_match(
            request=request, user=user, token=data["token"], role=roles.CUSTOMER_VIEWER
        )
        if device is not None and user.organization_id is not None:
            login(request, user)
            otp_login(request, device)
            request.session[SEEN_KEY] = time.time()
            return redirect(_next(request))
        form.add_error(None, REFUSED)
    context = {"form": form, "next": request.GET.get("next", "")}
    return render(request, "portal/customer/login.html", context)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("customer:sign_in")
