"""Evidence packages verify offline like snapshots: sha256sum -c and openssl, nothing else."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.extracts import AuditFilter
from governance.services.evidence import evidence_accept, evidence_upload
from governance.tests.factories import ControlFactory
from governance.tests.offline import openssl_verify, sha256sum_check
from submissions.models import EvidencePackage
from submissions.services import SubmissionError, evidence_package_assemble, package_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(compliance_officer):
    control = ControlFactory(ref="AC-1", owner=compliance_officer)

    def make(name, content, accept=True):
        item = evidence_upload(
            control=control,
            title=f"Access review {name}",
            effective_from=date(2026, 10, 1),
            effective_to=date(2026, 10, 31),
            actor=compliance_officer,
            uploaded=SimpleUploadedFile(name, content),
        )
        return evidence_accept(evidence=item, actor=compliance_officer) if accept else item

    return make


def _unzip(package, tmp_path):
    with zipfile.ZipFile(package.path) as archive:
        archive.extractall(tmp_path / "unzipped")
    [folder] = list((tmp_path / "unzipped").iterdir())
    return folder


def test_package_holds_evidence_reports_and_audit_extract_and_verifies_offline(
    evidence, first_sequence, compliance_officer, submission_manager, tmp_path
):
    first = evidence("october.csv", b"user,reviewed\nana,yes\n")
    second = evidence("november.csv", b"user,reviewed\nbo,yes\n")
    build = package_build(sequence=first_sequence, out_dir=tmp_path / "pkg", actor=submission_manager)
    package = evidence_package_assemble(
        title="FDA inspection 2026",
        purpose="inspection",
        out_dir=tmp_path / "out",
        actor=compliance_officer,
        evidence_ids=[first.pk, second.pk],
        builds=[build],
        audit_filter=AuditFilter(),
    )
    folder = _unzip(package, tmp_path)
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert "audit-trail/extract.csv" in names and "index.json" in names
    assert any(n.startswith("evidence/AC-1/") and n.endswith("october.csv") for n in names)
    assert "reports/nda123456-0001-validation.json" in names
    check = sha256sum_check(folder)
    assert check.returncode == 0, check.stdout + check.stderr
    verify = openssl_verify(folder)
    assert verify.stdout.strip() == "Verified OK"
    extract = (folder / "audit-trail/extract.csv").read_text(encoding="utf-8-sig")
    assert extract.startswith("# Custodian audit trail extract")
    assert package.file_count == len(names) - 2  # all but the manifest and its signature


def test_a_changed_byte_in_the_package_is_caught(evidence, compliance_officer, tmp_path):
    item = evidence("october.csv", b"user,reviewed\nana,yes\n")
    package = evidence_package_assemble(
        title="Review",
        purpose="submission",
        out_dir=tmp_path / "out",
        actor=compliance_officer,
        evidence_ids=[item.pk],
    )
    folder = _unzip(package, tmp_path)
    [stored] = list((folder / "evidence").rglob("*.csv"))
    stored.write_bytes(stored.read_bytes().replace(b"ana", b"anb"))
    check = sha256sum_check(folder)
    assert check.returncode != 0 and "FAILED" in check.stdout


def test_bad_selections_are_refused_and_leave_nothing(evidence, compliance_officer, tmp_path):
    draft = evidence("draft.csv", b"x\n", accept=False)
    out = tmp_path / "out"
    with pytest.raises(SubmissionError, match="No evidence with id 999999"):
        evidence_package_assemble(
            title="x", purpose="inspection", out_dir=out, actor=compliance_officer, evidence_ids=[999999]
        )
    with pytest.raises(SubmissionError, match="not accepted yet"):
        evidence_package_assemble(
            title="x", purpose="inspection", out_dir=out, actor=compliance_officer, evidence_ids=[draft.pk]
        )
    with pytest.raises(SubmissionError, match="start date lies after the end date"):
        evidence_package_assemble(
            title="x",
            purpose="inspection",
            out_dir=out,
            actor=compliance_officer,
            audit_filter=AuditFilter(date_from=date(2026, 2, 1), date_to=date(2026, 1, 1)),
        )
    with pytest.raises(SubmissionError, match="Choose something"):
        evidence_package_assemble(title="x", purpose="inspection", out_dir=out, actor=compliance_officer)
    assert not EvidencePackage.objects.exists()
    assert not out.exists() or not any(out.iterdir())


def test_a_stored_file_that_changed_aborts_the_package(evidence, compliance_officer, tmp_path, settings):
    item = evidence("october.csv", b"user,reviewed\nana,yes\n")
    (settings.MEDIA_ROOT / item.file.name).write_bytes(b"tampered")
    with pytest.raises(SubmissionError, match="no longer matches its recorded SHA-256"):
        evidence_package_assemble(
            title="x",
            purpose="inspection",
            out_dir=tmp_path / "out",
            actor=compliance_officer,
            evidence_ids=[item.pk],
        )
    assert not EvidencePackage.objects.exists() and not list((tmp_path / "out").glob("*"))


def test_command_and_admin_download(evidence, compliance_officer, client, tmp_path, capsys):
    item = evidence("october.csv", b"user,reviewed\nana,yes\n")
    call_command(
        "submissions_evidence_package",
        "--title",
        "Inspection",
        "--evidence",
        str(item.pk),
        "--audit-from",
        "2026-01-01",
        "--out",
        str(tmp_path),
        "--actor",
        "carla",
    )
    assert "manifest" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not a date"):
        call_command(
            "submissions_evidence_package",
            "--title",
            "x",
            "--audit-from",
            "01/02/2026",
            "--out",
            str(tmp_path),
        )
    package = EvidencePackage.objects.get()
    client.force_login(compliance_officer)
    response = client.get(f"/admin/submissions/evidencepackage/{package.pk}/download/")
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
