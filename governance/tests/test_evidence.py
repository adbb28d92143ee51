import hashlib
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from governance.models import Evidence, EvidenceEvent
from governance.services.evidence import evidence_accept, evidence_correct, evidence_rehash, evidence_upload
from governance.tests.conftest import OCT_1, OCT_31, upload

pytestmark = pytest.mark.django_db


def _media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _upload(control, actor, **kwargs):
    kwargs.setdefault("uploaded", upload())
    return evidence_upload(
        control=control,
        title="Q3 access review",
        effective_from=OCT_1,
        effective_to=OCT_31,
        actor=actor,
        **kwargs,
    )


def test_upload_stores_the_file_with_its_sha256_and_validity(control, compliance_officer, settings):
    content = b"user,decision\nana,keep\n"
    evidence = _upload(control, compliance_officer, uploaded=upload(content=content), validity_days=90)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.size == len(content)
    assert Path(evidence.file.path).read_bytes() == content
    assert Path(evidence.file.path).is_relative_to(settings.MEDIA_ROOT)
    assert evidence.valid_until == date(2027, 1, 29)
    assert evidence.events.get().kind == EvidenceEvent.Kind.UPLOADED


def test_oversized_upload_is_refused_and_nothing_is_stored(control, compliance_officer, settings):
    settings.GOVERNANCE_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="at most 10 bytes"):
        _upload(control, compliance_officer, uploaded=upload(content=b"x" * 11))
    assert not Evidence.objects.exists()
    assert _media_files(settings) == []


def test_size_limit_holds_even_when_the_declared_size_lies(control, compliance_officer, settings):
    settings.GOVERNANCE_EVIDENCE_MAX_BYTES = 10
    uploaded = upload(content=b"x" * 50)
    uploaded.size = 5  # the streaming count, not the client's claim, decides
    with pytest.raises(ValidationError, match="at most 10 bytes"):
        _upload(control, compliance_officer, uploaded=uploaded)
    assert _media_files(settings) == [] and not Evidence.objects.exists()


def test_wrong_file_type_is_refused(control, compliance_officer, settings):
    with pytest.raises(ValidationError, match=r"\.exe is not accepted"):
        _upload(control, compliance_officer, uploaded=upload(name="tool.exe"))
    assert _media_files(settings) == [] and not Evidence.objects.exists()


def test_hash_not_matching_the_declared_one_is_refused(control, compliance_officer, settings):
    with pytest.raises(ValidationError, match="not the declared"):
        _upload(control, compliance_officer, declared_sha256="0" * 64)
    assert _media_files(settings) == [] and not Evidence.objects.exists()


def test_window_ending_before_it_starts_is_refused(control, compliance_officer, settings):
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        evidence_upload(
            control=control,
            title="x",
            effective_from=OCT_31,
            effective_to=OCT_1,
            uploaded=upload(),
            actor=compliance_officer,
        )
    assert _media_files(settings) == [] and not Evidence.objects.exists()


def test_link_evidence_needs_no_file(control, compliance_officer):
    evidence = _upload(control, compliance_officer, uploaded=None, url="https://wiki.example.test/review")
    assert (evidence.kind, evidence.sha256) == (Evidence.Kind.LINK, "")


def test_accepted_evidence_is_immutable(control, compliance_officer):
    evidence = evidence_accept(evidence=_upload(control, compliance_officer), actor=compliance_officer)
    evidence.title = "Rewritten"
    with pytest.raises(ValidationError, match="immutable"):
        evidence.save()
    with pytest.raises(ValidationError, match="supersede"):
        evidence.delete()
    evidence.refresh_from_db()
    assert evidence.title == "Q3 access review"
    with pytest.raises(ValidationError, match="Only a draft"):
        evidence_accept(evidence=evidence, actor=compliance_officer)


def test_a_correction_is_a_new_version_that_supersedes_on_acceptance(control, compliance_officer):
    first = evidence_accept(evidence=_upload(control, compliance_officer), actor=compliance_officer)
    second = evidence_correct(evidence=first, actor=compliance_officer, uploaded=upload(content=b"fixed\n"))
    assert (second.version, second.supersedes, second.status) == (2, first, Evidence.Status.DRAFT)
    evidence_accept(evidence=second, actor=compliance_officer)
    first.refresh_from_db()
    assert first.status == Evidence.Status.SUPERSEDED
    assert first.sha256 != second.sha256 and Path(first.file.path).exists()
    assert first.events.filter(kind=EvidenceEvent.Kind.SUPERSEDED).exists()


def test_rehash_flags_a_changed_and_a_missing_file_once(control, compliance_officer):
    evidence = evidence_accept(evidence=_upload(control, compliance_officer), actor=compliance_officer)
    assert evidence_rehash(evidence_id=evidence.pk, actor=compliance_officer) == Evidence.Integrity.OK
    path = Path(evidence.file.path)
    path.write_bytes(path.read_bytes() + b"!")
    assert evidence_rehash(evidence_id=evidence.pk, actor=compliance_officer) == Evidence.Integrity.MISMATCH
    assert evidence_rehash(evidence_id=evidence.pk, actor=compliance_officer) == Evidence.Integrity.MISMATCH
    path.unlink()
    assert evidence_rehash(evidence_id=evidence.pk, actor=compliance_officer) == Evidence.Integrity.MISSING
    kinds = list(evidence.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["uploaded", "accepted", "integrity_ok", "mismatch", "missing"]
