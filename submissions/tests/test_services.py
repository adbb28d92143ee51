"""Sequence numbering, placement and lifecycle rules, and the send guard; denials change nothing."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from submissions.models import Application, DocumentVersion, Leaf, Sequence, SubmissionEvent
from submissions.services import (
    SubmissionError,
    document_create,
    document_version_upload,
    leaf_add,
    package_build,
    sequence_acknowledge,
    sequence_create,
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


def test_sending_is_refused_without_a_build_and_while_errors_remain(
    first_sequence, submission_manager, tmp_path
):
    actor = submission_manager
    sequence_transition(sequence=first_sequence, to="qa_review", actor=actor)
    sequence_transition(sequence=first_sequence, to="signed_off", actor=actor)
    with pytest.raises(SubmissionError, match="Build and validate"):
        sequence_transition(sequence=first_sequence, to="sent", actor=actor)
    package_build(sequence=first_sequence, out_dir=tmp_path, actor=actor)  # util files are not the ICH ones
    with pytest.raises(SubmissionError, match="validation error"):
        sequence_transition(sequence=first_sequence, to="sent", actor=actor)
    first_sequence.refresh_from_db()
    assert first_sequence.status == "signed_off" and first_sequence.sent_at is None


def test_a_clean_build_can_be_sent_then_acknowledged_and_is_frozen(
    first_sequence, submission_manager, tmp_path, published_sample_util
):
    actor = submission_manager
    for status in ("qa_review", "signed_off"):
        sequence_transition(sequence=first_sequence, to=status, actor=actor)
    build = package_build(sequence=first_sequence, out_dir=tmp_path, actor=actor)
    assert build.error_count == 0, build.report
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
    assert kinds == ["created", "status", "status", "built", "status", "acknowledged"]


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
