"""Second factor for auditors: a TOTP device per person, provisioned by a compliance officer."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles


def auditor_totp_create(*, user, actor) -> TOTPDevice:
    """Replace the auditor's TOTP device with a new confirmed one; its `config_url` goes to them.

    Old devices are removed so that a lost phone stops working the moment a new one is issued.
    """
    if not user.groups.filter(name=roles.AUDITOR).exists():
        raise ValidationError(f"{user.username} is not an auditor: staff use the admin sign-in.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(
            user=user, name=f"portal (issued by {actor.username})", confirmed=True
        )
