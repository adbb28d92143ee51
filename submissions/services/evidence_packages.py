"""Evidence packages: selected evidence, audit-trail extracts and reports in one signed zip.

Built with the governance snapshot machinery (`governance.sealed.SealedFolder`), so the zip
verifies offline exactly like a monthly snapshot: `sha256sum -c` and `openssl dgst -verify`.
"""

import json
import shutil
import uuid
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.extracts import AuditFilter, ExtractFilterError, audit_export
from governance.models import Evidence
from governance.sealed import SealedFolder, safe_name
from submissions.models import EvidencePackage, PackageBuild
from submissions.services.sequences import SubmissionError

README = """Evidence package: {title}
Unzip, then inside the folder:

  sha256sum -c manifest-sha256.txt
  openssl dgst -sha256 -verify keys/evidence-signing-pub.pem \\
      -signature manifest-sha256.txt.sig manifest-sha256.txt

The public key's fingerprint (compare with the one published out of band): {fingerprint}
"""


def _evidence(ids: list[int]) -> list[Evidence]:
    found = {e.pk: e for e in Evidence.objects.select_related("control", "collected_by").filter(pk__in=ids)}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise SubmissionError(f"No evidence with id {', '.join(map(str, missing))}.")
    not_accepted = [str(e.pk) for e in found.values() if e.accepted_at is None]
    if not_accepted:
        raise SubmissionError(
            f"Evidence {', '.join(not_accepted)} is not accepted yet: only accepted evidence goes out."
        )
    return [found[i] for i in ids]


def _reports(folder: SealedFolder, builds: list[PackageBuild]) -> list[dict]:
    items = []
    for build in builds:
        stem = f"reports/{safe_name(str(build.sequence).replace('/', '-'))}"
        folder.write(f"{stem}-validation.json", (json.dumps(build.report, indent=2) + "\n").encode())
        folder.write(f"{stem}-package-manifest-sha256.txt", build.manifest.encode())
        items.append({"sequence": str(build.sequence), "build": build.pk, "errors": build.error_count})
    return items


def _zip(folder: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    partial.rename(target)


def evidence_package_assemble(
    *,
    title: str,
    purpose: str,
    out_dir,
    actor,
    evidence_ids=(),
    builds=(),
    audit_filter: AuditFilter | None = None,
    application=None,
) -> EvidencePackage:
    """Write OUT/<name>.zip holding the chosen evidence, an audit-trail extract and build reports."""
    if purpose not in EvidencePackage.Purpose.values:
        raise SubmissionError(f"Unknown purpose {purpose!r}.")
    if not (evidence_ids or builds or audit_filter):
        raise SubmissionError(
            "Choose something to put in the package: evidence, reports or an audit extract."
        )
    evidence = _evidence(list(evidence_ids))
    name = f"{safe_name(title.lower())[:60]}-{timezone.now():%Y%m%dT%H%M%S}"
    out_dir = Path(out_dir)
    target = out_dir / f"{name}.zip"
    if target.exists():
        raise SubmissionError(f"{target} exists: packages are never overwritten.")
    work = out_dir / f".{name}.building-{uuid.uuid4().hex[:8]}" / name
    try:
        folder = SealedFolder(work)
        placed = [
            {
                "id": e.pk,
                "title": e.title,
                "control": e.control.ref,
                "path": folder.copy_evidence(e),
                "sha256": e.sha256,
                "url": e.url,
            }
            for e in evidence
        ]
        if audit_filter is not None:
            folder.write_lines("audit-trail/extract.csv", audit_export(flt=audit_filter, actor=actor))
        reports = _reports(folder, list(builds))
        folder.add_public_key()
        contents = {
            "evidence": placed,
            "reports": reports,
            "audit_filter": audit_filter.describe() if audit_filter else None,
        }
        index = {
            "title": title,
            "purpose": purpose,
            "generated_at": timezone.now().isoformat(),
            "generated_by": actor.get_username(),
            **contents,
        }
        folder.write("index.json", (json.dumps(index, indent=2, default=str) + "\n").encode())
        folder.write("README-VERIFY.txt", README.format(title=title, fingerprint=folder.fingerprint).encode())
        folder.seal()
        out_dir.mkdir(parents=True, exist_ok=True)
        _zip(work, target)
    except (ValidationError, ExtractFilterError) as exc:
        raise SubmissionError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)
    return EvidencePackage.objects.create(
        title=title,
        purpose=purpose,
        application=application,
        path=str(target),
        manifest_sha256=folder.manifest_sha256,
        file_count=folder.file_count,
        contents=contents,
        created_by=actor,
    )
