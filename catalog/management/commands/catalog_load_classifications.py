from django.core.management.base import CommandError

from accounts.commands import AuditedCommand
from catalog.models import Classification
from catalog.reference import CLASSIFICATIONS_FILE, load_classifications


class Command(AuditedCommand):
    help = "Create or update the L0-L4 classification levels from catalog/reference/classifications.yaml."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(CLASSIFICATIONS_FILE))

    def handle(self, *args, **options):
        try:
            count = load_classifications(Classification, options["file"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{count} classification levels in place.")
