"""Sequence numbering, placement and lifecycle rules, and the send guard; denials change nothing."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import AuditEntry, Signature
from accounts.signatures import signatures_for
from accounts.tests.factories import PASSWORD
from submissions.models import Application, DocumentVersion, Leaf, PackageBuild, Sequence, SubmissionEvent
from submissions.services import (
    SubmissionError,
    document_create,
    document_version_upload,
    leaf_add,
    package_build,
    sequence_acknowledge,
    sequence_create,
    sequence_sign_off,
    sequence_transition,
)
from submissions.tests.conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def test_first_sequence_number_is_0001_at_the_fda_and_0000_in_the_eu(nda, submission_manager):
    maa = Application.objects.create(application_type="maa", region="eu", dossier_format="nees", product="X")
    assert (
        sequence_create(application=nda, submission_type="original", actor=submission_manager).label == "0001"
    )
    assert (
        sequence_create(application=nda, submission_type="original", actor=submission_manager).label == "0002"
    )
    assert (
        sequence_create(application=maa, submission_type="original", actor=submission_manager).label == "0000"
    )


def test_unknown_fda_submission_type_is_refused(nda, submission_manager):
    with pytest.raises(SubmissionError, match="Unknown FDA submission type 'annual'"):
        sequence_create(application=nda, submission_type="annual", actor=submission_manager)
    assert not Sequence.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"section": "1.0", "title": "x"}, "not a CTD location for the US region"),
        ({"section": "3.2.P.8", "title": "x"}, "needs: product-name"),
        ({"section": "1.1", "title": "x"}, "holds forms"),
        ({"section": "2.5", "title": "x", "operation": "replace"}, "must name the earlier leaf"),
    ],
)
def test_misplaced_leaves_are_refused(first_sequence, submission_manager, kwargs, message):
    before = Leaf.objects.count()
    version = DocumentVersion.objects.first()
    with pytest.raises(SubmissionError, match=message):
        leaf_add(sequence=first_sequence, version=version, actor=submission_manager, **kwargs)
    assert Leaf.objects.count() == before


def test_lifecycle_rules(nda, first_sequence, submission_manager):
    actor = submission_manager
    overview = Leaf.objects.get(section="2.5")
    second = sequence_create(application=nda, submission_type="original", actor=actor)
    with pytest.raises(SubmissionError, match="earlier sequence"):
        leaf_add(
            sequence=first_sequence,
            section="2.5",
            title="x",
            operation="replace",
            modified_leaf=overview,
            version=overview.version,
            actor=actor,
        )
    with pytest.raises(SubmissionError, match="submits no file"):
        leaf_add(
            sequence=second,
            section="2.5",
            title="x",
            operation="delete",
            modified_leaf=overview,
            version=overview.version,
            actor=actor,
        )
    with pytest.raises(SubmissionError, match="stays in the CTD section"):
        leaf_add(
            sequence=second,
            section="2.3",
            title="x",
            operation="replace",
            modified_leaf=overview,
            version=overview.version,
            actor=actor,
        )
    leaf_add(
        sequence=second, section="2.5", title="x", operation="delete", modified_leaf=overview, actor=actor
    )
    third = sequence_create(application=nda, submission_type="original", actor=actor)
    with pytest.raises(SubmissionError, match="already replaced or deleted"):
        leaf_add(
            sequence=third,
            section="2.5",
            title="x",
            operation="replace",
            modified_leaf=overview,
            version=overview.version,
            actor=actor,
        )
    assert third.leaves.count() == 0


def test_append_may_target_a_leaf_of_the_same_sequence(first_sequence, submission_manager):
    overview = Leaf.objects.get(section="2.5")
    leaf = leaf_add(
        sequence=first_sequence,
        section="2.5",
        title="Addendum",
        operation="append",
        modified_leaf=overview,
        version=overview.version,
        actor=submission_manager,
    )
    assert leaf.modified_leaf == overview


def _sign_off(sequence, user, password=PASSWORD):
    return sequence_sign_off(
        sequence=sequence, signer=user, password=password, request=RequestFactory().post("/")
    )


def test_sign_off_is_refused_without_a_clean_build_and_changes_nothing(
    first_sequence, submission_manager, tmp_path, unpublished_util
):
    actor = submission_manager
    with pytest.raises(SubmissionError, match="cannot become Signed off"):
        sequence_transition(sequence=first_sequence, to="signed_off", actor=actor)
    sequence_transition(sequence=first_sequence, to="qa_review", actor=actor)
    with pytest.raises(SubmissionError, match="Build and validate"):
        _sign_off(first_sequence, actor)
    package_build(sequence=first_sequence, out_dir=tmp_path, actor=actor)  # the stylesheet is not ICH's
    with pytest.raises(SubmissionError, match="validation error"):
        _sign_off(first_sequence, actor)
    with pytest.raises(SubmissionError, match="cannot become Sent"):
        sequence_transition(sequence=first_sequence, to="sent", actor=actor)
    first_sequence.refresh_from_db()
    assert first_sequence.status == "qa_review" and first_sequence.sent_at is None
    assert not Signature.objects.exists()


def test_a_wrong_password_signs_nothing_and_is_recorded(first_sequence, submission_manager, tmp_path):
    sequence_transition(sequence=first_sequence, to="qa_review", actor=submission_manager)
    package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    with pytest.raises(SubmissionError, match="password was not accepted"):
        _sign_off(first_sequence, submission_manager, password="wrong-password")
    first_sequence.refresh_from_db()
    assert first_sequence.status == "qa_review" and not Signature.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_FAILED).count() == 1


def test_a_signed_off_clean_build_is_sent_acknowledged_and_frozen(
    first_sequence, submission_manager, tmp_path
):
    actor = submission_manager
    sequence_transition(sequence=first_sequence, to="qa_review", actor=actor)
    build = package_build(sequence=first_sequence, out_dir=tmp_path, actor=actor)
    assert build.error_count == 0, build.report
    signed = _sign_off(first_sequence, actor)
    signature = Signature.objects.get()
    assert (signed.status, signature.meaning, signature.printed_name) == (
        "signed_off",
        "approval",
        "Test Sam",
    )
    assert signature.object_pk == str(build.pk)
    sent = sequence_transition(sequence=first_sequence, to="sent", actor=actor)
    with pytest.raises(SubmissionError, match="before the sequence was sent"):
        sequence_acknowledge(
            sequence=sent, ack_id="ACK-1", received_at=sent.sent_at.replace(year=2000), actor=actor
        )
    acked = sequence_acknowledge(sequence=sent, ack_id="ACK-1", received_at=timezone.now(), actor=actor)
    assert (acked.status, acked.gateway_ack_id) == ("acknowledged", "ACK-1")
    with pytest.raises(SubmissionError, match="can no longer change"):
        leaf_add(
            sequence=acked, section="2.5", title="late", version=DocumentVersion.objects.first(), actor=actor
        )
    kinds = list(
        SubmissionEvent.objects.filter(sequence=acked).order_by("at", "pk").values_list("kind", flat=True)
    )
    assert kinds == ["created", "status", "built", "signed_off", "status", "acknowledged"]
    [(_, status)] = signatures_for(build)
    assert status.valid  # sending and acknowledging did not void the sign-off


def test_a_package_altered_after_sign_off_cannot_be_sent(first_sequence, submission_manager, tmp_path):
    sequence_transition(sequence=first_sequence, to="qa_review", actor=submission_manager)
    build = package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    _sign_off(first_sequence, submission_manager)
    PackageBuild.objects.filter(pk=build.pk).update(manifest_sha256="0" * 64)  # tampering behind our back
    with pytest.raises(SubmissionError, match="no valid sign-off signature"):
        sequence_transition(sequence=first_sequence, to="sent", actor=submission_manager)
    first_sequence.refresh_from_db()
    assert first_sequence.status == "signed_off"


def test_uploads_are_hashed_streamed_and_limited(nda, submission_manager, settings):
    document = document_create(application=nda, title="Overview", actor=submission_manager)
    data = pdf_bytes()
    version = upload(nda, "Overview", "overview.pdf", data, submission_manager)
    assert (version.md5, version.sha256, version.size) == (
        hashlib.md5(data, usedforsecurity=False).hexdigest(),
        hashlib.sha256(data).hexdigest(),
        len(data),
    )
    settings.SUBMISSIONS_MAX_DOCUMENT_BYTES = 1000
    store = settings.MEDIA_ROOT / "submissions" / "versions"
    before = sorted(p.name for p in store.rglob("*"))
    with pytest.raises(SubmissionError, match="larger than"):
        document_version_upload(
            document=document, source=io.BytesIO(b"x" * 5000), file_name="big.pdf", actor=submission_manager
        )
    with pytest.raises(SubmissionError, match="cannot go into a submission"):
        document_version_upload(
            document=document, source=io.BytesIO(b"x"), file_name="macro.docm", actor=submission_manager
        )
    with pytest.raises(ValidationError):
        document_version_upload(
            document=document, source=io.BytesIO(b"x"), file_name="Bad Name.pdf", actor=submission_manager
        )
    assert document.versions.count() == 0
    assert sorted(p.name for p in store.rglob("*")) == before  # no half-written file left behind
