from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.audit import current_actor
from accounts.commands import AuditedCommand
from governance.models import Framework
from governance.selectors import framework_by_slug
from governance.snapshots import snapshot_create


class Command(AuditedCommand):
    help = "Freeze a framework's evidence for one month into a signed, chained snapshot folder."

    def add_arguments(self, parser):
        parser.add_argument("--framework", required=True, help="Framework slug (soc2, hipaa, part11) or URN.")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--out", help=f"Parent folder (default: {settings.GOVERNANCE_SNAPSHOT_ROOT}).")

    def handle(self, *args, framework, month, out, **options):
        try:
            month_date = datetime.strptime(month, "%Y-%m").date()
        except ValueError as exc:
            raise CommandError(f"--month {month!r}: expected YYYY-MM, e.g. 2026-10.") from exc
        out_dir = Path(out or settings.GOVERNANCE_SNAPSHOT_ROOT)
        out_dir.mkdir(parents=True, exist_ok=True)
        try:
            snapshot = snapshot_create(
                framework=framework_by_slug(framework),
                month=month_date,
                out_dir=out_dir,
                actor=current_actor(),
            )
        except (ValidationError, Framework.DoesNotExist) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(self.style.SUCCESS(f"Snapshot written: {snapshot.path}"))
        self.stdout.write(f"  files: {snapshot.file_count}, bytes: {snapshot.total_bytes:,}")
        self.stdout.write(f"  manifest sha256: {snapshot.manifest_sha256}")
        self.stdout.write(f"  evidence key fingerprint: {snapshot.key_fingerprint}")
