"""Downloads: a snapshot package (zip that verifies offline) and single evidence files.

Watermark: every file name carries the auditor and the UTC time of the download. A single PDF
is served as a stamped copy (portal/pdf_footer.py: a footer on every page naming the auditor,
engagement, time and the original's SHA-256); the stored original and the snapshot package are
never altered, so the package still verifies byte for byte. A PDF that cannot be stamped is
served as it is stored, with the file-name watermark only, and the reason is logged. The audit
trail's EXPORT event records who downloaded which hash when, and how it was watermarked.
"""

import hashlib
import logging
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
from portal.pdf_footer import NotStampable, footer_lines, is_pdf, pdf_with_footer

SPOOL_BYTES = 16 * 1024 * 1024
logger = logging.getLogger(__name__)


def watermarked(name: str, user, at=None) -> str:
    path = Path(name)
    stamp = (at or timezone.now()).strftime("%Y%m%dT%H%M%SZ")
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


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(1024 * 1024):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def _verified(path: Path, sha256: str):
    """The stored file, open, if it still hashes to `sha256`; else None. Served from this same
    handle, so what was verified is what is sent (or stamped)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (returned open; FileResponse closes it)
    except OSError:
        return None
    if _sha256(handle) != sha256:
        handle.close()
        return None
    return handle


def _stamped_copy(handle, item, *, user, engagement, at):
    """A footer-stamped copy if the file is a PDF that can be stamped; else None (reason logged)."""
    if not is_pdf(handle):
        return None
    lines = footer_lines(
        username=user.get_username(), engagement=engagement.name, at=at, original_sha256=item.sha256
    )
    try:
        return pdf_with_footer(handle, lines)
    except NotStampable as exc:
        logger.warning("Evidence %s served without a PDF footer (file-name watermark only): %s", item.pk, exc)
        handle.seek(0)
        return None


@auditor_page(kind=PortalAccess.Kind.DOWNLOAD)
def evidence_file(request, grant, engagement, evidence_id):
    """One evidence file, served only if it still hashes to its recorded SHA-256; PDFs stamped."""
    item = get_object_or_404(
        selectors.evidence_list(engagement=engagement, user=request.user), pk=evidence_id
    )
    if not item.file:
        raise Http404("This evidence is a link, not a file.")
    handle = _verified(Path(item.file.path), item.sha256)
    if handle is None:
        raise Http404("The stored file is missing or no longer matches its recorded hash.")
    at = timezone.now()
    filename = watermarked(item.original_name or Path(item.file.name).name, request.user, at)
    stamped = _stamped_copy(handle, item, user=request.user, engagement=engagement, at=at)
    if stamped is not None:
        handle.close()
    download_record(
        request=request, engagement=engagement, obj=item, filename=filename, sha256=item.sha256,
        watermark="file name" if stamped is None else "file name and PDF footer",
    )  # fmt: skip
    body = handle if stamped is None else stamped
    response = FileResponse(body, as_attachment=True, filename=filename)
    response["X-Original-SHA256"] = item.sha256  # the sealed file this download came from
    if stamped is None:
        response["X-Content-SHA256"] = item.sha256  # the bytes sent are that file itself
    return response
