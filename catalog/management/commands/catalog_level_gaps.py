from django.core.management.base import BaseCommand, CommandError

from catalog.services.warehouse_levels import warehouse_level_gaps


class Command(BaseCommand):
    help = (
        "List the warehouse's tables and columns without a classification level "
        "(exit status 1 when there is any, for CI). Unclassified is a gap, never L0."
    )

    def handle(self, *args, **options):
        gaps = warehouse_level_gaps()
        tables = [f"table   {dataset.namespace}/{dataset.name}" for dataset in gaps.datasets]
        columns = [f"column  {c.dataset.namespace}/{c.dataset.name}.{c.name}" for c in gaps.columns]
        for line in tables + columns:
            self.stdout.write(line)
        if tables or columns:
            raise CommandError(
                f"{len(tables)} warehouse table(s) and {len(columns)} column(s) have no level: declare it "
                "in the dbt project's meta, classify it in the catalog, or classify what it derives from."
            )
        self.stdout.write("Every warehouse table and column has a level.")
