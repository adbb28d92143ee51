"""A single PDF comes as a stamped copy (footer on every page); the original and the package don't change."""

import hashlib
import io
import logging
import shutil
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from accounts.models import AuditEntry
from portal.services import engagement_auditor_add
from portal.tests.conftest import engagement_side, portal_login

pytestmark = pytest.mark.django_db
MALFORMED = b"%PDF-1.7\nnot really a PDF: no objects, no xref\n%%EOF\n"


def pdf(pages: int, *, rotate_second=False) -> bytes:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    for n in range(pages):
        if rotate_second and n == 1:
            sheet.setPageRotation(90)
        sheet.drawString(72, 720, f"Access review, page {n + 1}")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


@pytest.fixture
def pdfs(compliance_officer, auditor, tmp_path):
    """An engagement whose snapshot froze a 3-page PDF (one page rotated) and a malformed one."""
    (tmp_path / "snapshots").mkdir()
    files = [
        ("Signed policy", pdf(3, rotate_second=True), "policy.pdf"),
        ("Broken scan", MALFORMED, "scan.pdf"),
    ]
    side = engagement_side("iso", compliance_officer, tmp_path, evidence_count=0, files=files)
    now = timezone.now()
    engagement_auditor_add(
        engagement=side.engagement, user=auditor, valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=7), actor=compliance_officer,
    )  # fmt: skip
    return side, auditor


def _download(client, side, item):
    response = client.get(f"/portal/e/{side.engagement.pk}/evidence/{item.pk}/file/")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_a_pdf_download_has_the_footer_on_every_page_and_the_original_is_untouched(client, pdfs):
    side, auditor = pdfs
    item = side.evidence[0]
    stored = Path(item.file.path).read_bytes()
    portal_login(client, auditor)
    response, body = _download(client, side, item)
    pages = PdfReader(io.BytesIO(body)).pages
    assert len(pages) == 3
    footer = f"Downloaded by {auditor.username} ({side.engagement.name}) at "
    for page in pages:
        text = page.extract_text()
        assert footer in text and "UTC — Custodian" in text and f"SHA-256 {item.sha256}" in text
    assert "Access review, page 2" in pages[1].extract_text()
    assert response["X-Original-SHA256"] == item.sha256 and "X-Content-SHA256" not in response
    assert response["Content-Disposition"].startswith('attachment; filename="policy--avery--')
    assert hashlib.sha256(body).hexdigest() != item.sha256
    assert Path(item.file.path).read_bytes() == stored and hashlib.sha256(stored).hexdigest() == item.sha256
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_pk=str(item.pk))
    assert entry.additional_data["watermark"] == "file name and PDF footer"
    assert entry.additional_data["sha256"] == item.sha256


def test_the_snapshot_package_still_verifies_after_pdf_downloads(client, pdfs, tmp_path):
    side, auditor = pdfs
    portal_login(client, auditor)
    _download(client, side, side.evidence[0])
    response = client.get(f"/portal/e/{side.engagement.pk}/snapshots/{side.snapshot.pk}/package/")
    zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).extractall(tmp_path / "out")
    folder = tmp_path / "out" / "iso-2026-10"
    frozen = list((folder / "evidence").rglob("*policy.pdf"))
    assert len(frozen) == 1 and hashlib.sha256(frozen[0].read_bytes()).hexdigest() == side.evidence[0].sha256
    assert b"Downloaded by" not in frozen[0].read_bytes()
    if not shutil.which("sha256sum"):
        pytest.skip("sha256sum is not installed")
    result = subprocess.run(
        ["sha256sum", "-c", "manifest-sha256.txt"], cwd=folder, capture_output=True, text=True
    )
    assert result.returncode == 0 and "FAILED" not in result.stdout


def test_a_malformed_pdf_is_served_unstamped_and_the_reason_logged(client, pdfs, caplog):
    side, auditor = pdfs
    item = side.evidence[1]
    portal_login(client, auditor)
    with caplog.at_level(logging.WARNING, logger="portal.auditor.downloads"):
        response, body = _download(client, side, item)
    assert body == MALFORMED
    assert response["X-Content-SHA256"] == item.sha256 == response["X-Original-SHA256"]
    assert response["Content-Disposition"].startswith('attachment; filename="scan--avery--')
    assert f"Evidence {item.pk} served without a PDF footer" in caplog.text
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_pk=str(item.pk))
    assert entry.additional_data["watermark"] == "file name"
