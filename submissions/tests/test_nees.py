"""NeeS: the CTD tree without a backbone, hyperlinked PDF tables of contents, its own checks."""

import pathlib

import pytest
from pypdf import PdfReader

from submissions.models import Application
from submissions.packaging.nees_checks import toc_links
from submissions.services import (
    leaf_add,
    package_build,
    package_validate,
    sequence_create,
    sequence_transition,
)
from submissions.tests.conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def maa(db):
    return Application.objects.create(
        application_type="maa", region="eu", dossier_format="nees", product="Exampla", agency_number="778899"
    )


@pytest.fixture
def nees_build(maa, submission_manager, tmp_path):
    actor = submission_manager
    first = sequence_create(
        application=maa, submission_type="original", description="Initial MAA", actor=actor
    )
    leaf_add(
        sequence=first,
        section="1.0",
        title="Cover letter",
        actor=actor,
        version=upload(maa, "Cover", "cover.pdf", pdf_bytes(), actor),
    )
    leaf_add(
        sequence=first,
        section="2.5",
        title="Clinical overview",
        actor=actor,
        version=upload(maa, "Overview", "clinical-overview.pdf", pdf_bytes(2), actor),
    )
    build = package_build(sequence=first, out_dir=tmp_path, actor=actor)
    return first, build


def _text(path):
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_nees_sequence_has_the_tree_the_tocs_and_no_backbone(nees_build):
    _sequence, build = nees_build
    folder = build.path
    assert folder.endswith("maa778899/0000")
    assert {r["check"]: r["status"] for r in build.report} == {
        "nees-structure": "pass",
        "toc-links": "pass",
        "formats": "pass",
        "names": "pass",
        "pdf": "pass",
    }
    assert sorted(toc_links(f"{folder}/ctd-toc.pdf")) == [
        "m1/eu/10-cover/cover.pdf",
        "m1/eu/10-cover/tracking-table.pdf",
        "m2/25-clin-over/clinical-overview.pdf",
    ]
    text = _text(f"{folder}/ctd-toc.pdf")
    assert "Clinical overview" in text and "Module 2" in text
    assert not (pathlib.Path(folder) / "index.xml").exists()


def test_tracking_table_lists_every_sequence(maa, nees_build, submission_manager, tmp_path):
    first, _ = nees_build
    first.sent_at = first.created_at
    first.save()
    second = sequence_create(
        application=maa, submission_type="original", description="Answers to D120", actor=submission_manager
    )
    leaf_add(
        sequence=second,
        section="1.0",
        title="Cover letter",
        actor=submission_manager,
        version=upload(maa, "Cover 2", "cover-2.pdf", pdf_bytes(), submission_manager),
    )
    build = package_build(sequence=second, out_dir=tmp_path, actor=submission_manager)
    text = _text(f"{build.path}/m1/eu/10-cover/tracking-table.pdf")
    assert "0000" in text and "Initial MAA" in text and "0001" in text and "Answers to D120" in text


def test_tracking_table_labels_each_row_with_its_own_sequence_and_status(
    maa, nees_build, submission_manager, tmp_path
):
    _first, _ = nees_build  # 0000 is still a draft: not marked as sent
    second = sequence_create(
        application=maa, submission_type="original", description="Answers to D120", actor=submission_manager
    )
    leaf_add(
        sequence=second,
        section="1.0",
        title="Cover letter",
        actor=submission_manager,
        version=upload(maa, "Cover 2", "cover-2.pdf", pdf_bytes(), submission_manager),
    )
    sequence_transition(sequence=second, to="qa_review", actor=submission_manager)
    build = package_build(sequence=second, out_dir=tmp_path, actor=submission_manager)
    path = f"{build.path}/m1/eu/10-cover/tracking-table.pdf"
    cells = _text(path).splitlines()
    header = cells.index("Sequence")
    assert cells[header : header + 5] == ["Sequence", "Type", "Description", "Status", "Sent"]
    body = cells[header + 5 :]
    assert [body[n : n + 5] for n in range(0, len(body), 5)] == [
        ["0000", "original", "Initial MAA", "Draft", "not sent"],
        ["0001 (this sequence)", "original", "Answers to D120", "In QA review", "not sent"],
    ]
    assert PdfReader(path).metadata.title == "Exampla: tracking table, sequence 0001"
    assert (
        PdfReader(f"{build.path}/ctd-toc.pdf").metadata.title == "Exampla: table of contents, sequence 0001"
    )


def test_nees_rules_catch_their_failing_fixtures(nees_build):
    sequence, build = nees_build
    folder = pathlib.Path(build.path)
    (folder / "m2/25-clin-over/clinical-overview.pdf").unlink()
    (folder / "index.xml").write_text("<ectd/>")
    (folder / "m2/notes.txt").write_text("x")
    report = package_validate(sequence=sequence, sequence_dir=folder)
    failures = {(r["check"], r["path"]): r["message"] for r in report if r["status"] == "fail"}
    assert failures[("nees-structure", "index.xml")] == "A NeeS sequence carries no eCTD backbone."
    assert "does not exist" in failures[("toc-links", "ctd-toc.pdf")]
    assert failures[("formats", "m2/notes.txt")] == "NeeS documents must be PDF."
    assert "not in the table of contents" in failures[("toc-links", "m2/notes.txt")]
    (folder / "ctd-toc.pdf").unlink()
    report = package_validate(sequence=sequence, sequence_dir=folder)
    assert any(r["message"] == "ctd-toc.pdf is missing." for r in report)


def test_the_fda_does_not_take_nees(submission_manager):
    from django.core.exceptions import ValidationError

    app = Application(application_type="nda", region="us", dossier_format="nees", product="X")
    with pytest.raises(ValidationError, match="FDA does not accept NeeS"):
        app.full_clean()


def test_a_nees_build_from_a_changed_stored_file_is_refused_with_a_message(
    maa, submission_manager, tmp_path, settings
):
    from submissions.services import SubmissionError

    sequence = sequence_create(application=maa, submission_type="original", actor=submission_manager)
    version = upload(maa, "Cover", "cover.pdf", pdf_bytes(), submission_manager)
    leaf_add(
        sequence=sequence, section="1.0", title="Cover letter", actor=submission_manager, version=version
    )
    (settings.MEDIA_ROOT / version.file.name).write_bytes(pdf_bytes(2))
    with pytest.raises(SubmissionError, match="no longer matches its upload"):
        package_build(sequence=sequence, out_dir=tmp_path / "out", actor=submission_manager)
    assert list((tmp_path / "out" / "maa778899").iterdir()) == []
