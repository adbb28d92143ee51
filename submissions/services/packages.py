from pathlib import Path

from django.conf import settings
from django.db.models import Q

from submissions.models import Leaf, PackageBuild, Sequence
from submissions.packaging import checks, ectd, files, nees, nees_checks
from submissions.packaging.backbone import regional_leaf_id
from submissions.reference import fda_codes
from submissions.services.sequences import SubmissionError, package_recorded


def _earlier_leaves(sequence) -> tuple[dict[str, set[str]], set[str]]:
    """Leaf ids each earlier sequence introduced (this one too, for append), and those retired."""
    app = sequence.application
    rows = Leaf.objects.filter(sequence__application=app, sequence__number__lte=sequence.number)
    known: dict[str, set[str]] = {}
    for label_number, leaf_id in rows.values_list("sequence__number", "leaf_id"):
        known.setdefault(f"{label_number:04d}", set()).add(leaf_id)
    if app.region == "us":
        for seq in app.sequences.filter(number__lte=sequence.number):
            known.setdefault(seq.label, set()).add(regional_leaf_id(seq))
    retired = set(
        rows.filter(sequence__number__lt=sequence.number)
        .filter(Q(operation=Leaf.Operation.REPLACE) | Q(operation=Leaf.Operation.DELETE))
        .values_list("modified_leaf__leaf_id", flat=True)
    )
    return known, retired


def _required(sequence) -> list[tuple[str, str]]:
    required = [("1.2", "Cover letter")] if sequence.application.region == "us" else [("1.0", "Cover letter")]
    if sequence.template_id:
        required += [(i.section, i.title) for i in sequence.template.items.filter(required=True)]
    return list(dict.fromkeys(required))


def _unconfirmed(sequence, leaves) -> list[str]:
    if sequence.application.region != "us":
        return []
    codes = fda_codes()
    used = [
        codes["application_types"].get(sequence.application.application_type, {}),
        codes["submission_types"].get(sequence.submission_type, {}),
        codes["submission_sub_types"].get(sequence.submission_sub_type, {}),
        *(codes["form_types"].get(leaf.form_type, {}) for leaf in leaves if leaf.form_type),
    ]
    return sorted({c["token"] for c in used if c.get("confirm")})


def context_for(sequence, sequence_dir: Path, known_md5=None) -> checks.Context:
    leaves = list(sequence.leaves.all())
    earlier, retired = _earlier_leaves(sequence)
    return checks.Context(
        sequence_dir=sequence_dir,
        region=sequence.application.region,
        application_folder=sequence.application.folder_name,
        earlier_leaves=earlier,
        retired=retired,
        required_sections=_required(sequence),
        present_sections={leaf.section for leaf in leaves},
        unconfirmed_codes=_unconfirmed(sequence, leaves),
        known_md5=known_md5 or {},
        regional_dtd=_user_util_file(ectd.FDA_REGIONAL_DTD),
    )


def _user_util_file(relative: str) -> Path | None:
    folder = settings.SUBMISSIONS_ECTD_UTIL_DIR
    return Path(folder) / relative if folder else None


def package_validate(*, sequence, sequence_dir: Path, known_md5=None) -> list[dict]:
    ctx = context_for(sequence, Path(sequence_dir), known_md5)
    if sequence.application.dossier_format == "nees":
        return nees_checks.run_nees(ctx)
    return checks.run(ctx)


def package_build(*, sequence: Sequence, out_dir, actor) -> PackageBuild:
    """Write the sequence folder under OUT/<application>/<sequence>, validate it, record it."""
    app = sequence.application
    if app.region == "eu" and app.dossier_format == "ectd":
        raise SubmissionError("EU eCTD (eu-regional.xml) is not supported yet: EU procedures here use NeeS.")
    leaves = list(
        sequence.leaves.select_related(
            "version__document", "modified_leaf__sequence__application", "sequence__application"
        ).order_by("pk")
    )
    if not leaves:
        raise SubmissionError(f"Sequence {sequence.label} has no documents yet.")
    sequence_dir = Path(out_dir).resolve() / app.folder_name / sequence.label
    if sequence_dir.exists():
        raise SubmissionError(
            f"{sequence_dir} exists: a built package is never overwritten. Use another --out."
        )
    sequence_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        if app.dossier_format == "nees":
            history = list(app.sequences.filter(number__lte=sequence.number))
            md5s, sha256s = nees.build(sequence, leaves, sequence_dir, history)
        else:
            md5s, sha256s = ectd.build(sequence, leaves, sequence_dir)
    except (ectd.BuildError, nees.TocError, files.PlacementError) as exc:
        raise SubmissionError(str(exc)) from exc
    report = package_validate(sequence=sequence, sequence_dir=sequence_dir, known_md5=md5s)
    manifest = files.manifest(sequence_dir, sha256s)
    return package_recorded(
        sequence=sequence,
        kind=app.dossier_format,
        path=sequence_dir,
        manifest=manifest,
        report=report,
        actor=actor,
    )
