"""Downloads: a snapshot package (zip that verifies offline) and single evidence files.

Watermark: the file name carries the auditor and the UTC time of the download. The bytes are
not touched (no PDF footer): every file is certified by its SHA-256 in the evidence record and
the signed manifest, and a stamped copy would no longer verify. The audit trail's EXPORT event
records who downloaded which hash when.
"""

import hashlib
import tempfile
import zipfile
from pathlib import Path

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal import selectors
from portal.access import download_record
from portal.auditor.guard import auditor_page
from portal.models import PortalAccess

SPOOL_BYTES = 16 * 1024 * 1024


def watermarked(name: str, user) -> str:
    path = Path(name)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return f"{path.stem}--{user.get_username()}--{stamp}{path.suffix}"


def _zip_folder(folder: Path):
    """The folder as a zip under its own name, spooled to disk past 16 MiB."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    spool.seek(0)
    return spool


@auditor_page(kind=PortalAccess.Kind.DOWNLOAD)
def snapshot_package(request, grant, engagement, snapshot_id):
    snapshot = get_object_or_404(
        selectors.snapshot_list(engagement=engagement, user=request.user), pk=snapshot_id
    )
    folder = Path(snapshot.path)
    if not (folder / "manifest-sha256.txt").is_file():
        raise Http404("The snapshot folder is not available.")
    filename = watermarked(f"{folder.name}.zip", request.user)
    download_record(request=request, engagement=engagement, obj=snapshot, filename=filename,
                    sha256=snapshot.manifest_sha256)  # fmt: skip
    return FileResponse(
        _zip_folder(folder), as_attachment=True, filename=filename, content_type="application/zip"
    )


def _stored_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


@auditor_page(kind=PortalAccess.Kind.DOWNLOAD)
def evidence_file(request, grant, engagement, evidence_id):
    """One evidence file, served only if it still hashes to its recorded SHA-256."""
    item = get_object_or_404(
        selectors.evidence_list(engagement=engagement, user=request.user), pk=evidence_id
    )
    if not item.file:
        raise Http404("This evidence is a link, not a file.")
    path = Path(item.file.path)
    if not path.is_file() or _stored_sha256(path) != item.sha256:
        raise Http404("The stored file is missing or no longer matches its recorded hash.")
    filename = watermarked(item.original_name or path.name, request.user)
    download_record(request=request, engagement=engagement, obj=item, filename=filename, sha256=item.sha256)
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=filename)  # noqa: SIM115 (closed by Django)
    response["X-Content-SHA256"] = item.sha256
    return response
