from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.audit import current_actor, system_user
from accounts.commands import AuditedCommand
from portal.mfa import portal_totp_create


class Command(AuditedCommand):
    help = (
        "Issue a new TOTP authenticator for an auditor or a customer viewer and print its otpauth:// URL "
        "(show it once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            device = portal_totp_create(user=user, actor=current_actor() or system_user())
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(device.config_url)
