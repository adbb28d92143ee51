"""Snapshot packages verify offline; single files come watermarked; every download is logged."""

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from accounts.models import AuditEntry
from governance.verification import snapshot_verify
from portal.models import PortalAccess
from portal.tests.conftest import portal_login

pytestmark = pytest.mark.django_db
WATERMARK = r"--avery--\d{8}T\d{6}Z"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_snapshot_package_verifies_offline_with_sha256sum(client, world, tmp_path):
    a = world["a"]
    portal_login(client, world["users"]["live"])
    response = client.get(f"/portal/e/{a.engagement.pk}/snapshots/{a.snapshot.pk}/package/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert re.search(rf'filename="soc2-2026-10{WATERMARK}\.zip"', response["Content-Disposition"])
    zipfile.ZipFile(io.BytesIO(_body(response))).extractall(tmp_path / "out")
    folder = tmp_path / "out" / "soc2-2026-10"
    passed, problems = snapshot_verify(folder)
    assert problems == [] and any("Verified OK" in line for line in passed)
    if shutil.which("sha256sum"):
        result = subprocess.run(
            ["sha256sum", "-c", "manifest-sha256.txt"], cwd=folder, capture_output=True, text=True
        )
        assert result.returncode == 0 and "FAILED" not in result.stdout


def test_package_download_is_an_export_event_and_an_access_row(client, world):
    a = world["a"]
    user = world["users"]["live"]
    portal_login(client, user)
    client.get(f"/portal/e/{a.engagement.pk}/snapshots/{a.snapshot.pk}/package/")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, actor=user)
    assert (
        entry.object_pk == str(a.snapshot.pk)
        and entry.additional_data["sha256"] == a.snapshot.manifest_sha256
    )
    row = PortalAccess.objects.get(user=user, kind=PortalAccess.Kind.DOWNLOAD)
    assert row.engagement == a.engagement and re.search(WATERMARK, row.detail)


def test_single_file_is_watermarked_and_carries_its_hash(client, world):
    a = world["a"]
    item = a.evidence[0]
    portal_login(client, world["users"]["live"])
    url = f"/portal/e/{a.engagement.pk}/evidence/{item.pk}/file/"
    assert f'href="{url}"' in client.get(f"/portal/e/{a.engagement.pk}/evidence/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-SHA256"] == item.sha256
    assert response["X-Original-SHA256"] == item.sha256
    assert re.search(rf'filename="review{WATERMARK}\.csv"', response["Content-Disposition"])
    assert _body(response) == Path(item.file.path).read_bytes()


def test_a_tampered_file_is_not_served(client, world):
    a = world["a"]
    item = a.evidence[0]
    path = Path(item.file.path)
    path.chmod(0o644)
    path.write_bytes(b"forged")
    portal_login(client, world["users"]["live"])
    response = client.get(f"/portal/e/{a.engagement.pk}/evidence/{item.pk}/file/")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
