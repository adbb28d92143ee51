from itertools import groupby

from django.core.management.base import CommandError

from accounts.audit import current_actor
from accounts.commands import AuditedCommand
from catalog.models import Column
from catalog.schema_readers import sample_values
from catalog.services import pii_scan


class Command(AuditedCommand):
    help = "Suggest PII/PHI categories from column names (and sampled values); stewards review them."

    def add_arguments(self, parser):
        parser.add_argument("--dataset", help="Only columns of datasets whose name contains this.")
        parser.add_argument(
            "--sample",
            type=int,
            default=0,
            metavar="N",
            help="Also read N values per column from the system's live database (not stored).",
        )

    def handle(self, *args, **options):
        columns = Column.objects.filter(removed_at__isnull=True, pii_category="").select_related(
            "dataset__system"
        )
        if options["dataset"]:
            columns = columns.filter(dataset__name__icontains=options["dataset"])
        columns = list(columns.order_by("dataset_id", "ordinal_position", "name"))
        samples = self._samples(columns, options["sample"]) if options["sample"] else {}
        created = pii_scan(columns=columns, samples=samples, actor=current_actor())
        for suggestion in created:
            self.stdout.write(f"{suggestion.column}: {suggestion.reason}")
        self.stdout.write(f"{len(created)} new suggestions.")

    @staticmethod
    def _samples(columns, limit) -> dict:
        samples = {}
        for dataset, group in groupby(columns, key=lambda c: c.dataset):
            url = dataset.system.connection_url if dataset.system else ""
            if not url:
                continue
            group = list(group)
            try:
                values = sample_values(url, dataset.name, [c.name for c in group], limit)
            except Exception as error:  # a missing table or a dead server: say which, change nothing
                raise CommandError(f"Sampling {dataset} failed, nothing changed: {error}") from None
            samples |= {c.pk: values[c.name] for c in group}
        return samples
