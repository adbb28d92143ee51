"""A built sample sequence passes the structural, DTD, name and checksum checks."""

import hashlib

import pytest
from lxml import etree

from submissions.models import Leaf
from submissions.selectors import dossier_current_view
from submissions.services import leaf_add, package_build, sequence_create
from submissions.tests.conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db
ICH_XLINK = "http://www.w3c.org/1999/xlink"


def _statuses(build):
    return {row["check"]: row["status"] for row in build.report}


def test_sample_sequence_builds_with_the_standard_layout(first_sequence, submission_manager, tmp_path):
    build = package_build(sequence=first_sequence, out_dir=tmp_path / "out", actor=submission_manager)
    root = tmp_path / "out" / "nda123456" / "0001"
    assert build.path == str(root)
    for relative in [
        "index.xml",
        "index-md5.txt",
        "m1/us/us-regional.xml",
        "m1/us/11-forms/form-356h.pdf",
        "m1/us/12-cover-letters/cover.pdf",
        "m2/25-clin-over/clinical-overview.pdf",
        "m3/32-body-data/32p-drug-prod/exampla-tablets/32p8-stab/stability.pdf",
        "m5/53-clin-stud-rep/535-rep-effic-safety-stud/hypertension/5351-stud-rep-contr/ex-301.pdf",
        "util/dtd/ich-ectd-3-2.dtd",
        "util/style/ectd-2-0.xsl",
    ]:
        assert (root / relative).is_file(), relative
    assert (root / "index-md5.txt").read_text() == hashlib.md5(
        (root / "index.xml").read_bytes(), usedforsecurity=False
    ).hexdigest()


def test_every_check_passes_with_the_published_util_files(first_sequence, submission_manager, tmp_path):
    build = package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    assert set(_statuses(build).values()) == {"pass"}, build.report


def test_a_util_file_that_is_not_the_published_one_fails_its_checksum(
    first_sequence, submission_manager, tmp_path, unpublished_util
):
    build = package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    statuses = _statuses(build)
    assert statuses.pop("util-checksums") == "fail"
    assert set(statuses.values()) == {"pass"}, build.report
    [util] = [r for r in build.report if r["check"] == "util-checksums"]
    assert util["path"] == "util/style/ectd-2-0.xsl" and "not the published ICH file" in util["message"]


def test_index_xml_has_the_ich_header_namespaces_and_leaf_attributes(
    first_sequence, submission_manager, tmp_path
):
    build = package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    raw = (tmp_path / "nda123456/0001/index.xml").read_text()
    assert '<!DOCTYPE ectd:ectd SYSTEM "util/dtd/ich-ectd-3-2.dtd">' in raw
    assert '<?xml-stylesheet type="text/xsl" href="util/style/ectd-2-0.xsl"?>' in raw
    tree = etree.parse(build.path + "/index.xml")
    root = tree.getroot()
    assert root.tag == "{http://www.ich.org/ectd}ectd"
    assert root.nsmap["xlink"] == ICH_XLINK  # the DTD's fixed value, "w3c.org"
    assert root.get("dtd-version") == "3.2"
    m1_leaf = root.find("m1-administrative-information-and-prescribing-information/leaf")
    assert m1_leaf.get(f"{{{ICH_XLINK}}}href") == "m1/us/us-regional.xml"
    product = root.find("m3-quality/m3-2-body-of-data/m3-2-p-drug-product")
    assert product.get("product-name") == "Exampla tablets"
    leaf = product.find("m3-2-p-8-stability/leaf")
    assert leaf.get("operation") == "new" and leaf.get("checksum-type") == "md5"
    assert not leaf.get("ID")[0].isdigit()
    assert leaf.findtext("title") == "Stability data"
    stored = Leaf.objects.get(section="3.2.P.8")
    assert leaf.get("checksum") == stored.version.md5


def test_us_regional_carries_the_admin_envelope_and_forms(first_sequence, submission_manager, tmp_path):
    build = package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    tree = etree.parse(build.path + "/m1/us/us-regional.xml")
    root = tree.getroot()
    assert root.tag == "{http://www.ich.org/fda}fda-regional" and root.get("dtd-version") == "3.3"
    assert tree.docinfo.system_url == "https://www.accessdata.fda.gov/static/eCTD/us-regional-v3-3.dtd"
    assert root.findtext("admin/applicant-info/id") == "123456789"
    number = root.find("admin/application-set/application/application-information/application-number")
    assert (number.text, number.get("application-type")) == ("123456", "fdaat1")
    info = root.find("admin/application-set/application/submission-information")
    assert (
        info.find("submission-id").text == "0001"
        and info.find("submission-id").get("submission-type") == "fdast1"
    )
    assert info.find("sequence-number").get("submission-sub-type") == "fdasst3"
    form = root.find("m1-regional/m1-1-forms/form")
    assert form.get("form-type") == "fdaft2"
    assert form.find("leaf").get(f"{{{ICH_XLINK}}}href") == "11-forms/form-356h.pdf"  # relative to m1/us/


def test_second_sequence_with_replace_and_delete_gives_the_right_current_view(
    nda, first_sequence, submission_manager, tmp_path
):
    actor = submission_manager
    overview = Leaf.objects.get(section="2.5")
    stability = Leaf.objects.get(section="3.2.P.8")
    second = sequence_create(
        application=nda,
        submission_type="original",
        submission_sub_type="amendment",
        activity_start=first_sequence,
        actor=actor,
    )
    leaf_add(
        sequence=second,
        section="1.2",
        title="Cover letter",
        version=upload(nda, "Cover 2", "cover-2.pdf", pdf_bytes(), actor),
        actor=actor,
    )
    replacement = leaf_add(
        sequence=second,
        section="2.5",
        title="Clinical overview",
        operation="replace",
        modified_leaf=overview,
        version=upload(nda, "Clinical overview v2", "clinical-overview-2.pdf", pdf_bytes(4), actor),
        actor=actor,
    )
    leaf_add(
        sequence=second,
        section="3.2.P.8",
        title="Stability data",
        operation="delete",
        modified_leaf=stability,
        attributes={"product-name": "Exampla tablets"},
        actor=actor,
    )
    package_build(sequence=first_sequence, out_dir=tmp_path, actor=actor)
    build = package_build(sequence=second, out_dir=tmp_path, actor=actor)

    statuses = _statuses(build)
    assert statuses["lifecycle"] == "pass" and statuses["dtd"] == "pass" and statuses["checksums"] == "pass"
    root = etree.parse(build.path + "/index.xml").getroot()
    replaced = root.find("m2-common-technical-document-summaries/m2-5-clinical-overview/leaf")
    assert replaced.get("modified-file") == f"../0001/index.xml#{overview.leaf_id}"
    deleted = root.find("m3-quality/m3-2-body-of-data/m3-2-p-drug-product/m3-2-p-8-stability/leaf")
    assert (deleted.get("operation"), deleted.get("checksum"), deleted.get(f"{{{ICH_XLINK}}}href")) == (
        "delete",
        "",
        "",
    )
    in_force = [(x.section, x.sequence.label) for x in dossier_current_view(application=nda)]
    assert in_force == [
        ("1.1", "0001"),
        ("1.2", "0001"),
        ("1.2", "0002"),
        ("2.5", "0002"),
        ("5.3.5.1", "0001"),
    ]
    assert replacement in dossier_current_view(application=nda)
    assert [x.section for x in dossier_current_view(application=nda, up_to=1)] == [
        "1.1",
        "1.2",
        "2.5",
        "3.2.P.8",
        "5.3.5.1",
    ]


def test_an_existing_package_is_never_overwritten(first_sequence, submission_manager, tmp_path):
    from submissions.services import SubmissionError

    package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    with pytest.raises(SubmissionError, match="never overwritten"):
        package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    assert first_sequence.builds.count() == 1


def test_a_stored_file_changed_since_upload_stops_the_build_and_leaves_nothing(
    first_sequence, submission_manager, tmp_path, settings
):
    from submissions.services import SubmissionError

    stored = settings.MEDIA_ROOT / Leaf.objects.get(section="3.2.P.8").version.file.name
    with open(stored, "ab") as fh:
        fh.write(b"%")
    with pytest.raises(
        SubmissionError, match=r"'Stability v1 \(stability.pdf\)' no longer matches its upload"
    ):
        package_build(sequence=first_sequence, out_dir=tmp_path / "out", actor=submission_manager)
    assert list((tmp_path / "out" / "nda123456").iterdir()) == []  # no package, no staging folder
    assert first_sequence.builds.count() == 0


def test_package_files_are_copies_so_an_edit_never_reaches_the_store(
    first_sequence, submission_manager, tmp_path, settings
):
    build = package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    version = Leaf.objects.get(section="2.5").version
    stored = settings.MEDIA_ROOT / version.file.name
    packaged = tmp_path / "nda123456/0001/m2/25-clin-over/clinical-overview.pdf"
    assert packaged.read_bytes() == stored.read_bytes()
    assert build.manifest.count(f"{version.sha256}  m2/25-clin-over/clinical-overview.pdf") == 1
    with open(packaged, "ab") as fh:
        fh.write(b"%")
    assert hashlib.md5(stored.read_bytes(), usedforsecurity=False).hexdigest() == version.md5
