import json
import shutil
import subprocess
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from governance.models import Snapshot
from governance.services.evidence import evidence_accept, evidence_upload
from governance.tests.conftest import upload
from governance.tests.offline import openssl_verify, run, sha256sum_check

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_november")]


@pytest.fixture
def _november():
    with time_machine.travel("2026-11-15 12:00Z", tick=False):
        yield


@pytest.fixture
def accepted(control, compliance_officer):
    def make(start, end, content=b"row\n", name="review.csv"):
        item = evidence_upload(
            control=control,
            title=f"Review {start}",
            effective_from=start,
            effective_to=end,
            uploaded=upload(name=name, content=content),
            actor=compliance_officer,
        )
        return evidence_accept(evidence=item, actor=compliance_officer)

    return make


def _snapshot(month, out):
    call_command("governance_snapshot", framework="soc2", month=month, out=str(out), stdout=StringIO())
    return out / f"soc2-{month}"


def _writable(path: Path):
    path.chmod(0o644)
    return path


def test_snapshot_verifies_with_sha256sum_and_openssl(accepted, tmp_path):
    accepted(date(2026, 10, 1), date(2026, 10, 15), content=b"a,b\n1,2\n")
    accepted(date(2026, 10, 16), date(2026, 10, 31), content=b"x" * 5000, name="scan.pdf")
    folder = _snapshot("2026-10", tmp_path)
    check = sha256sum_check(folder)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == 6  # 2 evidence files, index, header, key, README
    signed = openssl_verify(folder)
    assert signed.stdout.strip() == "Verified OK"
    der = subprocess.run(
        [
            shutil.which("openssl"),
            "pkey",
            "-pubin",
            "-in",
            "keys/evidence-signing-pub.pem",
            "-outform",
            "DER",
        ],
        cwd=folder,
        capture_output=True,
        check=True,
    ).stdout
    header = json.loads((folder / "snapshot.json").read_text())
    fingerprint = subprocess.run([shutil.which("sha256sum")], input=der, capture_output=True, check=True)
    assert fingerprint.stdout.split()[0].decode() == header["key_fingerprint_sha256"]
    index = json.loads((folder / "index.json").read_text())
    assert [c["criteria"] for c in index["controls"]] == [["CC6.2"]]
    assert len(index["evidence"]) == 2
    call_command("governance_verify_snapshot", str(folder), stdout=StringIO())


def test_one_changed_byte_in_a_file_is_caught_by_all_three(accepted, tmp_path):
    accepted(date(2026, 10, 1), date(2026, 10, 31))
    folder = _snapshot("2026-10", tmp_path)
    evidence_file = next((folder / "evidence").rglob("*.csv"))
    data = bytearray(evidence_file.read_bytes())
    data[0] ^= 1
    _writable(evidence_file).write_bytes(bytes(data))
    check = sha256sum_check(folder)
    assert check.returncode == 1 and f"{evidence_file.relative_to(folder)}: FAILED" in check.stdout
    with pytest.raises(CommandError, match="FAILED"):
        call_command("governance_verify_snapshot", str(folder), stdout=StringIO(), stderr=(err := _Capture()))
    assert f"{evidence_file.relative_to(folder)}: FAILED" in err.text


def test_one_changed_byte_in_the_manifest_is_caught_by_openssl_and_the_command(accepted, tmp_path):
    accepted(date(2026, 10, 1), date(2026, 10, 31))
    folder = _snapshot("2026-10", tmp_path)
    manifest = _writable(folder / "manifest-sha256.txt")
    text = manifest.read_text()
    manifest.write_text(text.replace("evidence/", "evidencf/", 1))
    signed = openssl_verify(folder)
    assert signed.returncode == 1 and "Verification failure" in signed.stdout
    err = _Capture()
    with pytest.raises(CommandError):
        call_command("governance_verify_snapshot", str(folder), stdout=StringIO(), stderr=err)
    assert "signature does not verify" in err.text


def test_the_chain_links_each_month_to_the_previous_manifest(accepted, tmp_path):
    accepted(date(2026, 9, 1), date(2026, 10, 31))
    september, october = _snapshot("2026-09", tmp_path), _snapshot("2026-10", tmp_path)
    header = (october / "snapshot.json").read_text()
    prev_hash = run("sha256sum", "manifest-sha256.txt", cwd=september).stdout.split()[0]
    assert f'"prev_manifest_sha256":"{prev_hash}"' in header
    assert Snapshot.objects.get(month=date(2026, 10, 1)).previous.month == date(2026, 9, 1)
    call_command("governance_verify_snapshot", str(october), previous=str(september), stdout=StringIO())
    _writable(september / "manifest-sha256.txt").write_text("tampered\n")
    with pytest.raises(CommandError):
        call_command(
            "governance_verify_snapshot",
            str(october),
            previous=str(september),
            stdout=StringIO(),
            stderr=_Capture(),
        )


def test_a_month_without_evidence_is_refused_and_writes_nothing(accepted, tmp_path):
    accepted(date(2026, 10, 1), date(2026, 10, 31))
    with pytest.raises(CommandError, match="No accepted evidence for soc2 in 2026-08"):
        _snapshot("2026-08", tmp_path)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(("soc2", ".soc2"))] == []
    assert not Snapshot.objects.exists()


def test_a_changed_stored_file_aborts_the_snapshot_cleanly(accepted, tmp_path):
    evidence = accepted(date(2026, 10, 1), date(2026, 10, 31))
    Path(evidence.file.path).write_bytes(b"swapped")
    with pytest.raises(CommandError, match="no longer matches"):
        _snapshot("2026-10", tmp_path)
    assert [p.name for p in tmp_path.iterdir() if "soc2" in p.name] == []
    assert not Snapshot.objects.exists()


def test_snapshots_are_immutable(accepted, tmp_path):
    accepted(date(2026, 10, 1), date(2026, 10, 31))
    folder = _snapshot("2026-10", tmp_path)
    assert all(not (p.stat().st_mode & 0o222) for p in folder.rglob("*") if p.is_file())
    with pytest.raises(CommandError, match="already exists"):
        _snapshot("2026-10", tmp_path)
    assert Snapshot.objects.count() == 1


def test_bad_month_and_unknown_framework_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="expected YYYY-MM"):
        call_command("governance_snapshot", framework="soc2", month="2026-13", out=str(tmp_path))
    with pytest.raises(CommandError, match="No framework 'nope'"):
        call_command("governance_snapshot", framework="nope", month="2026-10", out=str(tmp_path))


def test_snapshot_contains_no_private_key(accepted, tmp_path, settings):
    accepted(date(2026, 10, 1), date(2026, 10, 31))
    folder = _snapshot("2026-10", tmp_path)
    private = Path(settings.GOVERNANCE_EVIDENCE_KEY_FILE).read_bytes()
    assert b"PRIVATE KEY" in private
    for path in folder.rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY" not in path.read_bytes()


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_production_never_generates_the_evidence_key(accepted, tmp_path, settings):
    accepted(date(2026, 10, 1), date(2026, 10, 31))
    settings.GOVERNANCE_EVIDENCE_KEY_GENERATE = False
    settings.GOVERNANCE_EVIDENCE_KEY_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="must be set"):
        _snapshot("2026-10", tmp_path)
    settings.GOVERNANCE_EVIDENCE_KEY_FILE = str(tmp_path / "absent.pem")
    with pytest.raises(ImproperlyConfigured, match="never generates"):
        _snapshot("2026-10", tmp_path)
    assert not (tmp_path / "absent.pem").exists() and not Snapshot.objects.exists()
    assert [p.name for p in tmp_path.iterdir() if "soc2" in p.name] == []


def test_development_key_is_private_to_its_owner(accepted, tmp_path, settings):
    accepted(date(2026, 10, 1), date(2026, 10, 31))
    _snapshot("2026-10", tmp_path)
    assert oct(Path(settings.GOVERNANCE_EVIDENCE_KEY_FILE).stat().st_mode & 0o777) == "0o600"


def test_a_failure_after_the_folder_is_placed_removes_it(accepted, tmp_path, monkeypatch):
    from governance import snapshots

    accepted(date(2026, 10, 1), date(2026, 10, 31))

    def database_down(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(snapshots, "_record", database_down)
    with pytest.raises(RuntimeError):
        _snapshot("2026-10", tmp_path)
    assert [p.name for p in tmp_path.iterdir() if "soc2" in p.name] == []
    assert not Snapshot.objects.exists()


def test_a_month_before_the_newest_snapshot_is_refused_so_the_chain_never_forks(accepted, tmp_path):
    accepted(date(2026, 9, 1), date(2026, 10, 31))
    october = _snapshot("2026-10", tmp_path)
    with pytest.raises(CommandError, match="2026-09 is before soc2's newest snapshot, 2026-10"):
        _snapshot("2026-09", tmp_path)
    assert not (tmp_path / "soc2-2026-09").exists()
    assert list(Snapshot.objects.values_list("month", flat=True)) == [date(2026, 10, 1)]
    # The sealed month still verifies on its own: nothing was written that claims to precede it.
    call_command("governance_verify_snapshot", str(october), stdout=StringIO())
