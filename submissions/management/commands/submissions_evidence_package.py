from datetime import date

from django.core.management.base import CommandError

from accounts.audit import current_actor
from accounts.commands import AuditedCommand
from accounts.extracts import AuditFilter
from submissions.models import PackageBuild
from submissions.services import SubmissionError, evidence_package_assemble


def _ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise CommandError(f"Ids must be numbers separated by commas, not {text!r}.") from exc


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date (use YYYY-MM-DD).") from exc


class Command(AuditedCommand):
    help = "Assemble a signed zip of evidence, build reports and an audit extract for an agency or inspector."

    def add_arguments(self, parser):
        parser.add_argument("--title", required=True)
        parser.add_argument("--purpose", choices=["submission", "inspection"], default="inspection")
        parser.add_argument("--evidence", default="", help="Evidence ids, comma-separated.")
        parser.add_argument(
            "--build", default="", help="Package build ids whose reports go in, comma-separated."
        )
        parser.add_argument("--audit-from", help="Include the audit trail from this day (YYYY-MM-DD).")
        parser.add_argument("--audit-to", help="… up to this day.")
        parser.add_argument("--out", required=True)

    def handle(self, *args, **opts):
        build_ids = _ids(opts["build"])
        builds = list(PackageBuild.objects.select_related("sequence__application").filter(pk__in=build_ids))
        if len(builds) != len(set(build_ids)):
            raise CommandError("Some package build ids do not exist.")
        audit = None
        if opts["audit_from"] or opts["audit_to"]:
            audit = AuditFilter(date_from=_day(opts["audit_from"]), date_to=_day(opts["audit_to"]))
        actor = current_actor()
        try:
            package = evidence_package_assemble(
                title=opts["title"],
                purpose=opts["purpose"],
                out_dir=opts["out"],
                actor=actor,
                evidence_ids=_ids(opts["evidence"]),
                builds=builds,
                audit_filter=audit,
            )
        except SubmissionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{package.path}: {package.file_count} files, manifest {package.manifest_sha256}")
