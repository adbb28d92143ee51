from django.core.management.base import CommandError

from accounts.audit import current_actor
from accounts.commands import AuditedCommand
from catalog.services import DbtImportError, dbt_import


class Command(AuditedCommand):
    help = "Import a dbt manifest.json (v12): models, sources, columns, lineage, tests; results if given."

    def add_arguments(self, parser):
        parser.add_argument("manifest", help="Path to target/manifest.json")
        parser.add_argument("--run-results", help="Path to target/run_results.json")

    def handle(self, *args, **options):
        try:
            report = dbt_import(options["manifest"], options["run_results"], actor=current_actor())
        except DbtImportError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        self.stdout.write(
            f"datasets: {report.datasets_created} new, {report.datasets_updated} updated; "
            f"columns: {report.columns}; lineage edges: {report.edges}; "
            f"checks: {report.checks}; results recorded: {report.results}"
        )
        for line in report.skipped:
            self.stdout.write(f"skipped {line}")
