from django.core.management.base import CommandError

from accounts.audit import current_actor
from accounts.commands import AuditedCommand
from catalog.services import DbtImportError, dbt_import


class Command(AuditedCommand):
    help = "Import dbt artifacts (manifest v12, catalog, run results): datasets, columns, lineage, tests."

    def add_arguments(self, parser):
        parser.add_argument("manifest", help="Path to target/manifest.json")
        parser.add_argument("--run-results", help="Path to target/run_results.json")
        parser.add_argument(
            "--catalog",
            help="Path to catalog.json from `dbt docs generate` (every column with its type); "
            "default: catalog.json beside the manifest, if there",
        )

    def handle(self, *args, **options):
        try:
            report = dbt_import(
                options["manifest"],
                options["run_results"],
                actor=current_actor(),
                catalog_path=options["catalog"],
            )
        except DbtImportError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        self.stdout.write(
            f"datasets: {report.datasets_created} new, {report.datasets_updated} updated; "
            f"columns: {report.columns}; lineage edges: {report.edges}; "
            f"checks: {report.checks}; results recorded: {report.results}"
        )
        self.stdout.write(
            f"removed (kept for history): {report.datasets_removed} datasets, "
            f"{report.columns_removed} columns, {report.checks_removed} checks; "
            + (
                "columns from catalog.json"
                if report.catalog_used
                else "no catalog.json: documented columns only"
            )
        )
        for line in report.skipped:
            self.stdout.write(f"skipped {line}")
