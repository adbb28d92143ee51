from django.core.management.base import CommandError

from accounts.audit import current_actor
from accounts.commands import AuditedCommand
from submissions.models import Sequence
from submissions.services import SubmissionError, package_build


class Command(AuditedCommand):
    help = "Build sequence SEQUENCE_ID into OUT/<application>/<sequence> and print its validation report."

    def add_arguments(self, parser):
        parser.add_argument("sequence_id", type=int)
        parser.add_argument("--out", required=True, help="Folder to write the package into.")

    def handle(self, *args, sequence_id, out, **options):
        sequence = Sequence.objects.select_related("application").filter(pk=sequence_id).first()
        if sequence is None:
            raise CommandError(f"No sequence with id {sequence_id}.")
        try:
            build = package_build(sequence=sequence, out_dir=out, actor=current_actor())
        except SubmissionError as exc:
            raise CommandError(str(exc)) from exc
        for row in build.report:
            where = f" {row['path']}" if row["path"] else ""
            self.stdout.write(
                f"{row['status'].upper():8} {row['check']:<15}{where} {row['message']}".rstrip()
            )
        self.stdout.write(
            f"Built {build.path}: {build.error_count} error(s), {build.warning_count} warning(s)."
        )
        if build.error_count:
            raise CommandError("The package has validation errors: it cannot be sent as it is.")
