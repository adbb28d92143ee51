"""Each pre-flight rule catches its failing fixture with a clear message naming the path."""

import shutil

import pytest
from lxml import etree

from submissions.models import Application, Leaf
from submissions.services import leaf_add, package_build, package_validate, sequence_create
from submissions.tests.conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(first_sequence, submission_manager, tmp_path):
    package_build(sequence=first_sequence, out_dir=tmp_path / "out", actor=submission_manager)
    return first_sequence, tmp_path / "out" / "nda123456" / "0001"


def _findings(sequence, folder, check):
    report = package_validate(sequence=sequence, sequence_dir=folder)
    return [r for r in report if r["check"] == check and r["status"] != "pass"]


def _edit_index(folder, change):
    tree = etree.parse(str(folder / "index.xml"))
    change(tree.getroot())
    tree.write(
        str(folder / "index.xml"),
        xml_declaration=True,
        encoding="UTF-8",
        doctype='<!DOCTYPE ectd:ectd SYSTEM "util/dtd/ich-ectd-3-2.dtd">',
    )


def _stability_leaf(root):
    return root.find("m3-quality/m3-2-body-of-data/m3-2-p-drug-product/m3-2-p-8-stability/leaf")


def test_missing_backbone_file(built):
    sequence, folder = built
    (folder / "index-md5.txt").unlink()
    assert [f["message"] for f in _findings(sequence, folder, "structure")] == [
        "index-md5.txt is missing from the sequence folder."
    ]


def test_malformed_regional_backbone(built):
    sequence, folder = built
    (folder / "m1/us/us-regional.xml").write_text("<fda-regional:fda-regional>")
    assert _findings(sequence, folder, "well-formed")[0]["path"] == "m1/us/us-regional.xml"


def _edit_regional(folder, change):
    path = folder / "m1/us/us-regional.xml"
    tree = etree.parse(str(path))
    change(tree.getroot())
    tree.write(str(path), xml_declaration=True, encoding="UTF-8", doctype=tree.docinfo.doctype)


def test_us_regional_xml_that_breaks_the_fda_regional_dtd(built):
    sequence, folder = built
    assert _findings(sequence, folder, "regional-dtd") == []
    _edit_regional(
        folder,
        lambda root: root.find("admin/applicant-info").remove(root.find("admin/applicant-info/company-name")),
    )
    findings = _findings(sequence, folder, "regional-dtd")
    assert {f["path"] for f in findings} == {"m1/us/us-regional.xml"}
    assert any("applicant-info" in f["message"] for f in findings), findings


def test_without_the_fda_regional_dtd_us_regional_xml_gets_a_warning(built, util_copy):
    sequence, folder = built
    (util_copy / "dtd/us-regional-v3-3.dtd").unlink()
    [finding] = _findings(sequence, folder, "regional-dtd")
    assert finding["status"] == "warning"
    assert (
        "dtd/us-regional-v3-3.dtd" in finding["message"] and "SUBMISSIONS_ECTD_UTIL_DIR" in finding["message"]
    )


def test_missing_util_files_say_where_to_configure_them(built):
    sequence, folder = built
    shutil.rmtree(folder / "util/dtd")
    messages = [f["message"] for f in _findings(sequence, folder, "util-checksums")]
    assert any("SUBMISSIONS_ECTD_UTIL_DIR" in m for m in messages)


def test_dtd_violation(built):
    sequence, folder = built
    _edit_index(folder, lambda root: root.append(etree.Element("m9-made-up")))
    findings = _findings(sequence, folder, "dtd")
    assert findings and all(f["path"] == "index.xml" for f in findings)
    assert any("m9-made-up" in f["message"] for f in findings)


def test_referenced_file_missing_unreferenced_file_and_empty_folder(built):
    sequence, folder = built
    (folder / "m2/25-clin-over/clinical-overview.pdf").unlink()
    (folder / "m2/stray.pdf").write_bytes(pdf_bytes())
    (folder / "m4").mkdir()
    messages = {f["path"]: f["message"] for f in _findings(sequence, folder, "references")}
    assert "does not exist" in messages["m2/25-clin-over/clinical-overview.pdf"]
    assert "no leaf references it" in messages["m2/stray.pdf"]
    assert messages["m4"] == "Empty folder."


def test_changed_file_and_stale_index_md5(built):
    sequence, folder = built
    with open(folder / "m2/25-clin-over/clinical-overview.pdf", "ab") as fh:
        fh.write(b"%")
    (folder / "index-md5.txt").write_text("0" * 32)
    messages = {f["path"]: f["message"] for f in _findings(sequence, folder, "checksums")}
    assert "does not match the checksum" in messages["m2/25-clin-over/clinical-overview.pdf"]
    assert messages["index-md5.txt"] == "index-md5.txt does not hold the MD5 of index.xml."


def test_leaf_id_starting_with_a_digit(built):
    sequence, folder = built
    _edit_index(folder, lambda root: _stability_leaf(root).set("ID", "1bad"))
    assert any("not a valid XML ID" in f["message"] for f in _findings(sequence, folder, "lifecycle"))


def test_modified_file_naming_an_unknown_leaf_and_delete_with_a_file(built):
    sequence, folder = built

    def corrupt(root):
        leaf = _stability_leaf(root)
        leaf.set("operation", "delete")
        leaf.set("modified-file", "../0000/index.xml#anothing")

    _edit_index(folder, corrupt)
    messages = [f["message"] for f in _findings(sequence, folder, "lifecycle")]
    assert any("does not have" in m for m in messages)
    assert any("must not carry a file" in m for m in messages)


def test_invalid_operation(built):
    sequence, folder = built
    _edit_index(folder, lambda root: _stability_leaf(root).set("operation", "keep"))
    assert any("'keep' is not one of" in f["message"] for f in _findings(sequence, folder, "lifecycle"))


def test_bad_names_and_long_paths(built):
    sequence, folder = built
    (folder / "m2/25-clin-over/Clinical_Overview.pdf").write_bytes(pdf_bytes())
    deep = folder / "m5" / ("a" * 50) / ("b" * 50) / ("c" * 50)
    deep.mkdir(parents=True)
    (deep / "report.pdf").write_bytes(pdf_bytes())
    messages = {f["path"]: f["message"] for f in _findings(sequence, folder, "names")}
    assert "may only use a-z, 0-9" in messages["m2/25-clin-over/Clinical_Overview.pdf"]
    assert "the US limit is 150" in messages[f"m5/{'a' * 50}/{'b' * 50}/{'c' * 50}/report.pdf"]


def test_encrypted_pdf(built):
    sequence, folder = built
    (folder / "m1/us/12-cover-letters/cover.pdf").write_bytes(pdf_bytes(password="secret"))
    findings = _findings(sequence, folder, "pdf")
    assert findings == [
        {
            "check": "pdf",
            "title": "PDFs open and are not encrypted",
            "status": "fail",
            "path": "m1/us/12-cover-letters/cover.pdf",
            "message": "PDF is encrypted or password-protected.",
        }
    ]


def test_missing_cover_letter_is_a_required_item_error(nda, submission_manager, tmp_path):
    seq = sequence_create(application=nda, submission_type="original", actor=submission_manager)
    leaf_add(
        sequence=seq,
        section="2.5",
        title="Clinical overview",
        actor=submission_manager,
        version=upload(nda, "CO", "co.pdf", pdf_bytes(), submission_manager),
    )
    build = package_build(sequence=seq, out_dir=tmp_path, actor=submission_manager)
    failures = [r for r in build.report if r["check"] == "required-items"]
    assert [r["message"] for r in failures] == ["Required item missing: 1.2 Cover letter."]


def test_unconfirmed_fda_code_is_a_warning(submission_manager, tmp_path):
    ind = Application.objects.create(application_type="ind", region="us", product="X", agency_number="100200")
    seq = sequence_create(application=ind, submission_type="original", actor=submission_manager)
    leaf_add(
        sequence=seq,
        section="1.2",
        title="Cover letter",
        actor=submission_manager,
        version=upload(ind, "Cover", "cover.pdf", pdf_bytes(), submission_manager),
    )
    build = package_build(sequence=seq, out_dir=tmp_path, actor=submission_manager)
    warnings = [r for r in build.report if r["check"] == "code-lists"]
    assert [(r["status"], r["message"]) for r in warnings] == [
        ("warning", "Code fdaat4 is not confirmed against the current FDA code list.")
    ]
    assert Leaf.objects.filter(sequence=seq).count() == 1
