"""Second factor for the portals' people (auditors, customer viewers): a TOTP device per person,
provisioned by a compliance officer, and the check made at sign-in."""

from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles


def portal_totp_create(*, user, actor) -> TOTPDevice:
    """Replace the person's TOTP device with a new confirmed one; its `config_url` goes to them.

    Only auditors and customer viewers get one (roles.MFA_ROLES). Old devices are removed so that
    a lost phone stops working the moment a new one is issued.
    """
    if not roles.requires_mfa(user):
        raise ValidationError(
            f"{user.username} is neither an auditor nor a customer viewer: staff use the admin sign-in."
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(
            user=user, name=f"portal (issued by {actor.username})", confirmed=True
        )


def second_factor_match(*, request, user, token: str, role: str):
    """The matching TOTP device of `user` if they hold `role`, else None. A right password with a
    wrong code (or on an account of another role) counts as a failed login, so axes locks the
    account as for staff. `user` None: authenticate() already reported the failure."""
    if user is None:
        return None
    device = match_token(user, token) if user.groups.filter(name=role).exists() else None
    if device is None:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
    return device
