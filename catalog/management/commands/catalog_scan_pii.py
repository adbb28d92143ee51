from accounts.audit import current_actor
from accounts.commands import AuditedCommand
from catalog.models import Column
from catalog.services import pii_scan


class Command(AuditedCommand):
    help = "Suggest PII/PHI categories from column names; stewards review the suggestions in the admin."

    def add_arguments(self, parser):
        parser.add_argument("--dataset", help="Only columns of datasets whose name contains this.")

    def handle(self, *args, **options):
        columns = Column.objects.filter(removed_at__isnull=True, pii_category="").select_related("dataset")
        if options["dataset"]:
            columns = columns.filter(dataset__name__icontains=options["dataset"])
        created = pii_scan(columns=columns.iterator(), actor=current_actor())
        for suggestion in created:
            self.stdout.write(f"{suggestion.column}: {suggestion.reason}")
        self.stdout.write(f"{len(created)} new suggestions.")
