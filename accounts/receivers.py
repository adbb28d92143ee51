"""Signal glue (listed in docs/development.md): login, logout, failed login and lockout rows.

These are recorded from Django's and django-axes' auth signals because those are the only
places every login path (admin, portal, API session) passes through.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.client_ip import client_ip
from accounts.ratelimit import login_failure_record
from accounts.services import access_event_record


@receiver(user_logged_in, dispatch_uid="accounts.login")
def on_login(sender, request, user, **kwargs):
    access_event_record(kind="login", username=user.get_username(), user=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts.logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        access_event_record(kind="logout", username=user.get_username(), user=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    access_event_record(kind="login_failed", username=credentials.get("username", ""), request=request)
    if request is not None:
        login_failure_record(client_ip(request))


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    access_event_record(kind="locked_out", username=username or "", request=request)
