from django.core.management.base import BaseCommand, CommandError

from accounts.chain import chain_verify


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and name the first broken link (exit 1 if any)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000, help="Entries read per query.")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        report = chain_verify(batch_size=batch_size)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
