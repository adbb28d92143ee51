"""Built packages and evidence packages download from the admin, checked against their manifests."""

import io
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEntry
from governance.services.evidence import evidence_accept, evidence_upload
from governance.tests.factories import ControlFactory
from governance.tests.offline import sha256sum_check
from submissions.services import evidence_package_assemble, package_build

pytestmark = pytest.mark.django_db


def _exports(obj):
    return AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_pk=str(obj.pk))


def _unzip(response, target: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        archive.extractall(target)
    return target


@pytest.fixture
def build(first_sequence, submission_manager, tmp_path):
    return package_build(sequence=first_sequence, out_dir=tmp_path / "out", actor=submission_manager)


@pytest.fixture
def evidence_package(compliance_officer, tmp_path, settings):
    settings.GOVERNANCE_EVIDENCE_KEY_FILE = str(tmp_path / "keys" / "evidence.pem")
    control = ControlFactory(ref="AC-1", owner=compliance_officer)
    item = evidence_upload(
        control=control,
        title="Access review",
        effective_from=date(2026, 10, 1),
        effective_to=date(2026, 10, 31),
        actor=compliance_officer,
        uploaded=SimpleUploadedFile("october.csv", b"user,reviewed\nana,yes\n"),
    )
    evidence_accept(evidence=item, actor=compliance_officer)
    return evidence_package_assemble(
        title="Inspection",
        purpose="inspection",
        out_dir=tmp_path / "packages",
        actor=compliance_officer,
        evidence_ids=[item.pk],
    )


def _build_url(build):
    return f"/admin/submissions/sequence/builds/{build.pk}/download/"


def test_submission_manager_downloads_a_built_sequence_that_verifies(
    client, submission_manager, build, tmp_path
):
    client.force_login(submission_manager)
    sequence = build.sequence
    assert _build_url(build) in client.get("/admin/submissions/sequence/").content.decode()
    assert (
        _build_url(build) in client.get(f"/admin/submissions/sequence/{sequence.pk}/change/").content.decode()
    )

    response = client.get(_build_url(build))

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "nda123456-0001-ectd-build" in response["Content-Disposition"]
    unzipped = _unzip(response, tmp_path / "unzipped")
    folder = unzipped / "nda123456" / "0001"
    assert (folder / "index.xml").is_file()
    check = subprocess.run(
        ["sha256sum", "-c", "../0001-manifest-sha256.txt"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert len(check.stdout.splitlines()) == len(build.manifest.splitlines())
    [entry] = _exports(build)
    assert (
        entry.actor == submission_manager
        and entry.additional_data["manifest_sha256"] == build.manifest_sha256
    )


def test_a_changed_document_in_a_built_sequence_is_refused(client, submission_manager, build):
    document = next(p for p in Path(build.path).rglob("*.pdf"))
    document.chmod(0o644)
    with open(document, "ab") as handle:
        handle.write(b"%% appended later\n")
    client.force_login(submission_manager)

    response = client.get(_build_url(build), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/admin/submissions/sequence/{build.sequence_id}/change/"
    assert "Download refused" in page and f"{document.name} does not match its manifest line" in page
    assert not _exports(build).exists()


@pytest.mark.parametrize("persona", ["data_steward", "executive"])
def test_staff_without_the_build_permission_cannot_download_it(request, client, persona, build):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_build_url(build)).status_code == 403
    assert not _exports(build).exists()


def test_an_evidence_package_download_verifies_and_is_recorded(
    client, compliance_officer, evidence_package, tmp_path
):
    client.force_login(compliance_officer)
    url = f"/admin/submissions/evidencepackage/{evidence_package.pk}/download/"
    assert (
        url
        in client.get(f"/admin/submissions/evidencepackage/{evidence_package.pk}/change/").content.decode()
    )

    response = client.get(url)

    assert response.status_code == 200
    [folder] = list(_unzip(response, tmp_path / "unzipped").iterdir())
    assert sha256sum_check(folder).returncode == 0
    [entry] = _exports(evidence_package)
    assert entry.additional_data["files_verified"] == evidence_package.file_count


def test_a_tampered_evidence_package_is_refused(client, compliance_officer, evidence_package):
    original = Path(evidence_package.path)
    with zipfile.ZipFile(original) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    changed = next(name for name in members if name.endswith("october.csv"))
    members[changed] = b"user,reviewed\nana,no\n"
    with zipfile.ZipFile(original, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    client.force_login(compliance_officer)

    response = client.get(f"/admin/submissions/evidencepackage/{evidence_package.pk}/download/", follow=True)

    page = response.content.decode()
    assert "Download refused" in page and "october.csv does not match its manifest line" in page
    assert not _exports(evidence_package).exists()


def test_staff_without_the_evidence_package_permission_cannot_download_it(
    client, data_steward, evidence_package
):
    client.force_login(data_steward)

    assert (
        client.get(f"/admin/submissions/evidencepackage/{evidence_package.pk}/download/").status_code == 403
    )
    assert not _exports(evidence_package).exists()
