from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.commands import AuditedCommand
from governance.services.frameworks import framework_files, framework_load_file


class Command(AuditedCommand):
    help = "Load (or reload) the built-in frameworks from governance/frameworks/*.yaml. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Framework files (default: all built-in ones).")

    def handle(self, *args, files, **options):
        paths = [Path(f) for f in files] or framework_files()
        for path in paths:
            try:
                result = framework_load_file(path=path)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(
                f"{result.framework}: {result.framework.criteria.count()} criteria "
                f"({result.created} created, {result.updated} updated, {result.retired} retired)"
            )
