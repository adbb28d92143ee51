from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.commands import AuditedCommand
from warehouse.cdc.services import cdc_source_configure, cdc_source_setup
from warehouse.cdc.source_setup import SetupError


class Command(AuditedCommand):
    help = (
        "Check a PostgreSQL source and create (idempotently) its publication and pgoutput slot; "
        "the first run also exports every table into the raw lake."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, help="CDC source name.")
        parser.add_argument("--dsn", help="libpq connection string (creates or changes the source).")
        parser.add_argument("--table", action="append", dest="tables", help="schema.table (repeatable).")
        parser.add_argument("--batch-rows", type=int)
        parser.add_argument("--batch-seconds", type=float)
        parser.add_argument(
            "--replica-identity-full",
            action="store_true",
            help="Set REPLICA IDENTITY FULL where before-images would carry only the key.",
        )

    def handle(self, *args, source, dsn, tables, batch_rows, batch_seconds, replica_identity_full, **options):
        try:
            cdc = cdc_source_configure(
                name=source,
                dsn=dsn,
                tables=tables,
                batch_rows=batch_rows,
                batch_seconds=batch_seconds,
                actor=None,
            )
            report = cdc_source_setup(source=cdc, replica_identity_full=replica_identity_full, actor=None)
        except (SetupError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"CDC source {source} is ready: manage.py cdc_consume --source {source}")
        )
