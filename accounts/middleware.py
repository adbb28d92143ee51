from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from accounts.audit import restoring_actor
from accounts.client_ip import client_ip
from accounts.ratelimit import login_throttled


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with the actor read when an entry is written, not up front.

    API tokens are authenticated inside the DRF view, after every middleware has run; DRF then
    sets `request.user`. Reading the user lazily attributes API writes to the token's owner.
    The actor is cleared after the response, so nothing later in the thread inherits it.
    """

    @classmethod
    def _get_actor(cls, request):
        return SimpleLazyObject(lambda: AuditlogMiddleware._get_actor(request))

    def __call__(self, request):
        with restoring_actor():
            return super().__call__(request)


class LoginRateLimitMiddleware:
    """Refuse sign-in posts (admin and auditor portal) from an address over its failure limit.

    Refused before the sign-in view runs, with 429 and `Retry-After`; nothing is counted
    against the username it carried, so this never locks an account (accounts/ratelimit.py).
    """

    SIGN_IN_VIEWS = {"admin:login", "portal:index"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        signing_in = request.method == "POST" and request.resolver_match.view_name in self.SIGN_IN_VIEWS
        if signing_in and login_throttled(client_ip(request)):
            response = render(request, "accounts/too_many_attempts.html", status=429)
            response["Retry-After"] = str(settings.LOGIN_IP_WINDOW_SECONDS)
            return response
        return None
