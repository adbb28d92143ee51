"""Check every metric of metrics.yml against the catalog, the warehouse and the access policies."""

from django.core.management.base import BaseCommand, CommandError

from reporting.metric_check import metric_layer_gaps
from reporting.metric_layer import metric_layer


class Command(BaseCommand):
    help = "Check that each metric's mart and columns are catalogued, live and readable; exit 1 on gaps."

    def handle(self, *args, **options):
        gaps = metric_layer_gaps()
        if gaps:
            raise CommandError(
                f"{len(gaps)} gap(s) in the metric layer:\n" + "\n".join(f"- {g}" for g in gaps)
            )
        count = len(metric_layer().metrics)
        self.stdout.write(
            f"All {count} metrics find their marts and columns, and their dashboards' roles read them."
        )
