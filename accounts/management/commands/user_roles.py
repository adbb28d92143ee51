from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.audit import current_actor, system_user
from accounts.commands import AuditedCommand
from accounts.models import Organization
from accounts.services import user_roles_set


class Command(AuditedCommand):
    help = "Set USERNAME's organisation and roles (replacing its current roles)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--organization", metavar="SLUG", help="Organisation slug (omit: none).")
        parser.add_argument("--role", action="append", default=[], help="A role name; repeat for several.")

    def handle(self, *args, username, organization, role, **options):
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        org = None
        if organization:
            org = Organization.objects.filter(slug=organization).first()
            if org is None:
                raise CommandError(f"No organisation with slug {organization!r}.")
        try:
            user_roles_set(
                user=user, organization=org, role_names=role, actor=current_actor() or system_user()
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"{user.username}: {org or 'no organisation'}, roles: {', '.join(sorted(role)) or 'none'}"
        )
