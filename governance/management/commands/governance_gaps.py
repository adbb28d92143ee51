from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from governance.gaps import evidence_gaps
from governance.models import Framework
from governance.selectors import framework_by_slug


class Command(BaseCommand):
    help = "List evidence gaps of a framework over a window (e.g. a SOC 2 Type II period)."

    def add_arguments(self, parser):
        parser.add_argument("--framework", required=True)
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")

    def handle(self, *args, framework, start, end, **options):
        try:
            gaps = evidence_gaps(
                framework=framework_by_slug(framework),
                start=date.fromisoformat(start),
                end=date.fromisoformat(end),
            )
        except ValueError as exc:
            raise CommandError(f"Dates must be YYYY-MM-DD: {exc}") from exc
        except (ValidationError, Framework.DoesNotExist) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        for gap in gaps:
            self.stdout.write(f"[{gap.kind}] {gap.message}")
        self.stdout.write(f"{len(gaps)} gap(s).")
