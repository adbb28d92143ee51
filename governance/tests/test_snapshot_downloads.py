"""Snapshots download from the admin as a zip checked against their manifest, and only then."""

import io
import zipfile
from pathlib import Path

import pytest

from accounts.models import AuditEntry
from governance.services.evidence import evidence_accept, evidence_upload
from governance.snapshots import snapshot_create
from governance.tests.conftest import OCT_1, OCT_31, upload
from governance.tests.offline import openssl_verify, sha256sum_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(control, compliance_officer, tmp_path):
    item = evidence_upload(
        control=control,
        title="Oct",
        effective_from=OCT_1,
        effective_to=OCT_31,
        uploaded=upload(),
        actor=compliance_officer,
    )
    evidence_accept(evidence=item, actor=compliance_officer)
    return snapshot_create(
        framework=control.mappings.get().criterion.framework,
        month=OCT_1,
        out_dir=tmp_path / "out",
        actor=compliance_officer,
    )


def _url(snapshot):
    return f"/admin/governance/snapshot/{snapshot.pk}/download/"


def _exports(snapshot):
    return AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_pk=str(snapshot.pk))


def test_compliance_officer_downloads_a_snapshot_that_verifies_offline(
    client, compliance_officer, snapshot, tmp_path
):
    client.force_login(compliance_officer)
    assert _url(snapshot) in client.get("/admin/governance/snapshot/").content.decode()
    assert _url(snapshot) in client.get(f"/admin/governance/snapshot/{snapshot.pk}/change/").content.decode()

    response = client.get(_url(snapshot))

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    folder = Path(snapshot.path)
    assert f'filename="{folder.name}.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        archive.extractall(tmp_path / "unzipped")
    unzipped = tmp_path / "unzipped" / folder.name
    assert sha256sum_check(unzipped).returncode == 0
    assert openssl_verify(unzipped).returncode == 0
    [entry] = _exports(snapshot)
    assert entry.actor == compliance_officer
    assert entry.additional_data["manifest_sha256"] == snapshot.manifest_sha256
    assert entry.additional_data["files_verified"] == snapshot.file_count


def test_a_tampered_snapshot_file_is_refused_with_its_name(client, compliance_officer, snapshot):
    index = Path(snapshot.path) / "index.json"
    index.chmod(0o644)
    index.write_text("{}")
    client.force_login(compliance_officer)

    response = client.get(_url(snapshot), follow=True)

    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Download refused" in page and "index.json does not match its manifest line" in page
    assert not _exports(snapshot).exists()


def test_an_edited_snapshot_manifest_is_refused(client, compliance_officer, snapshot):
    manifest = Path(snapshot.path) / "manifest-sha256.txt"
    manifest.chmod(0o644)
    manifest.write_text(manifest.read_text().splitlines()[0] + "\n")
    client.force_login(compliance_officer)

    page = client.get(_url(snapshot), follow=True).content.decode()

    assert "manifest no longer hashes to the SHA-256 recorded" in page
    assert not _exports(snapshot).exists()


def test_a_file_slipped_into_the_snapshot_folder_is_refused(client, compliance_officer, snapshot):
    (Path(snapshot.path) / "extra.txt").write_text("not sealed")
    client.force_login(compliance_officer)

    page = client.get(_url(snapshot), follow=True).content.decode()

    assert "extra.txt is in the folder but not in the manifest" in page
    assert not _exports(snapshot).exists()


@pytest.mark.parametrize("persona", ["data_steward", "submission_manager"])
def test_staff_without_the_snapshot_permission_cannot_download_it(request, client, persona, snapshot):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_url(snapshot)).status_code == 403
    assert not _exports(snapshot).exists()
