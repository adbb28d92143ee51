from datetime import date

from django.core.management.base import CommandError

from accounts.audit import current_actor
from accounts.commands import AuditedCommand
from accounts.extracts import ACTIONS, AuditFilter, ExtractFilterError, audit_export


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from exc


class Command(AuditedCommand):
    help = "Write an audit trail extract as CSV (to --output or stdout); the export is logged."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="First day, YYYY-MM-DD (UTC), inclusive.")
        parser.add_argument("--to", dest="date_to", help="Last day, YYYY-MM-DD (UTC), inclusive.")
        parser.add_argument("--user", default="", help="Only entries by this username.")
        parser.add_argument("--action", default="", help=f"One of: {', '.join(ACTIONS)}.")
        parser.add_argument("--object-type", default="", help="app_label.model, e.g. accounts.user.")
        parser.add_argument("--output", help="File to write (default: stdout).")

    def handle(self, *args, date_from, date_to, user, action, object_type, output, **options):
        flt = AuditFilter(
            date_from=_date(date_from) if date_from else None,
            date_to=_date(date_to) if date_to else None,
            user=user,
            action=action,
            object_type=object_type,
        )
        try:
            lines = audit_export(flt=flt, actor=current_actor())
        except ExtractFilterError as exc:
            raise CommandError(str(exc)) from exc
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                fh.writelines(lines)
        else:
            for line in lines:
                self.stdout.write(line, ending="")
