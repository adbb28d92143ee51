from django.core.management.base import CommandError

from accounts.audit import current_actor
from accounts.commands import AuditedCommand
from catalog.models import System
from catalog.services import schema_sync


class Command(AuditedCommand):
    help = "Read tables and columns of a system's live database and update the catalog; report changes."

    def add_arguments(self, parser):
        parser.add_argument("--system", required=True, help="The System's name.")
        parser.add_argument("--url", help="Connection URL, overriding the system's own.")

    def handle(self, *args, **options):
        system = System.objects.filter(name=options["system"]).first()
        if system is None:
            raise CommandError(f"No system named {options['system']!r}.")
        try:
            report = schema_sync(system=system, url=options["url"], actor=current_actor())
        except Exception as error:  # connection and driver errors: say what failed, change nothing
            raise CommandError(f"Schema sync of {system.name!r} failed, nothing changed: {error}") from None
        sections = [
            ("new dataset", report.new_datasets),
            ("removed dataset", report.removed_datasets),
            ("new column", report.new_columns),
            ("removed column", report.removed_columns),
            ("type changed", report.type_changes),
        ]
        for label, items in sections:
            for item in items:
                self.stdout.write(f"{label}: {item}")
        if not report.changed:
            self.stdout.write("No changes.")
