from django.core.management.base import CommandError

from accounts.commands import AuditedCommand
from warehouse.jobs import JOBS
from warehouse.models import JobRun
from warehouse.services import job_run_execute

BAR = 30


class Command(AuditedCommand):
    help = "Build the warehouse with dbt (whole graph, a named job or --model), showing progress."

    def add_arguments(self, parser):
        parser.add_argument("--model", action="append", default=[], help="dbt selection (repeatable).")
        parser.add_argument("--job", choices=sorted(JOBS), help="A named job instead of the whole graph.")
        parser.add_argument("--full-refresh", action="store_true")

    def handle(self, *args, model, job, full_refresh, **options):
        run = JobRun.objects.create(job=job or ("models" if model else "daily"), selection=" ".join(model),
                                    full_refresh=full_refresh, trigger=JobRun.Trigger.MANUAL)  # fmt: skip
        run = job_run_execute(job_run_id=run.pk, on_progress=self.bar)
        self.stderr.write("")
        if run.status != JobRun.Status.SUCCEEDED:
            raise CommandError(f"Job run {run.pk} failed:\n{run.error}")
        self.stdout.write(
            self.style.SUCCESS(f"Job run {run.pk}: {len(run.results)} nodes, {run.rows_written} rows.")
        )

    def bar(self, done, total, node):
        filled = BAR * done // max(total, 1)
        self.stderr.write(
            f"\r[{'#' * filled}{' ' * (BAR - filled)}] {done}/{total} {node[-50:]:<50}", ending=""
        )
        self.stderr.flush()
