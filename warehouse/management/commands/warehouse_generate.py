from datetime import datetime

from django.core.management.base import CommandError

from accounts.commands import AuditedCommand
from warehouse import config
from warehouse.source import RawLakeNotEmpty, generate, raw_lake_prepare


class Command(AuditedCommand):
    help = "Write deterministic demo change events (tenants, work orders, billing, usage…) to the raw lake."

    def add_arguments(self, parser):
        parser.add_argument("--tenants", type=int, default=12)
        parser.add_argument("--months", type=int, default=6)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--start", default="2025-01-01", help="First month (YYYY-MM-DD).")
        parser.add_argument(
            "--replace", action="store_true", help="Clear the raw layer first (an earlier generation)."
        )

    def handle(self, *args, tenants, months, seed, start, replace, **options):
        if tenants < 1 or months < 1:
            raise CommandError("--tenants and --months must be at least 1.")
        try:
            first = datetime.strptime(start, "%Y-%m-%d").replace(day=1)
        except ValueError as exc:
            raise CommandError(f"--start: {exc}") from exc
        lake = config.lake()
        try:
            cleared = raw_lake_prepare(lake, replace=replace)
        except RawLakeNotEmpty as exc:
            raise CommandError(str(exc)) from exc
        if cleared:
            self.stdout.write(f"Cleared the raw layer ({len(cleared)} tables).")
        result = generate(lake, tenants=tenants, months=months, seed=seed, start=first,
                          progress=lambda d, n: self.stderr.write(f"  month {d}/{n}"))  # fmt: skip
        for table, rows in sorted(result.rows.items()):
            self.stdout.write(f"  {table:<20} {rows:>10}")
        self.stdout.write(self.style.SUCCESS(f"{result.total} change events in {result.files} files."))
