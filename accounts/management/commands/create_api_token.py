from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.commands import AuditedCommand
from accounts.services import api_token_create
from accounts.validators import MAX_DURATION_DAYS


class Command(AuditedCommand):
    help = "Create an API token for USERNAME and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for.")
        parser.add_argument("--expires-days", type=int, help="Expire after this many days.")

    def handle(self, *args, username, name, expires_days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if expires_days is not None and not 1 <= expires_days <= MAX_DURATION_DAYS:
            raise CommandError(f"--expires-days must be between 1 and {MAX_DURATION_DAYS}.")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        try:
            _, raw = api_token_create(user=user, name=name, expires_at=expires_at)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(raw)
