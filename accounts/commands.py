from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.audit import acting_as, system_user


class AuditedCommand(BaseCommand):
    """A management command whose changes are attributed to `--actor` (default: system)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--actor",
            metavar="USERNAME",
            help="The person running this command, recorded in the audit log (default: system).",
        )
        return parser

    def execute(self, *args, **options):
        with acting_as(self._actor(options.get("actor"))):
            return super().execute(*args, **options)

    @staticmethod
    def _actor(username):
        if not username:
            return system_user()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--actor: no active user named {username!r}.")
        return user
