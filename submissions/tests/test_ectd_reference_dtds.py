"""Built backbones are valid against the agencies' own DTDs, in every location the portal offers."""

import pytest
from lxml import etree

from submissions.models import Leaf
from submissions.reference import sections_for
from submissions.services import leaf_add, package_build, sequence_create
from submissions.tests.conftest import ECTD_REFERENCE, pdf_bytes, upload

pytestmark = pytest.mark.django_db

# One value per attribute a keyed heading requires. The FDA's promotional-material values are
# tokens from its code lists; the DTD declares them CDATA, which is what is checked here.
ATTRIBUTES = {
    "substance": "Examplamide",
    "manufacturer": "Helix Pharma",
    "product-name": "Exampla tablets",
    "indication": "Hypertension",
    "promotional-material-audience-type": "fdapmat1",
    "promotional-material-doc-type": "fdapmdt1",
    "promotional-material-type": "fdapmt1",
    "material-id": "EX-PM-001",
}


def _validate(path, dtd_name: str) -> list[str]:
    dtd = etree.DTD(str(ECTD_REFERENCE / "dtd" / dtd_name))
    valid = dtd.validate(etree.parse(str(path)))
    return [] if valid else [e.message for e in dtd.error_log.filter_from_errors()]


def _assert_valid(build) -> None:
    folder = build.path
    assert _validate(f"{folder}/index.xml", "ich-ectd-3-2.dtd") == []
    assert _validate(f"{folder}/m1/us/us-regional.xml", "us-regional-v3-3.dtd") == []
    checks = {row["check"]: row["status"] for row in build.report}
    assert checks["dtd"] == checks["regional-dtd"] == "pass", build.report
    assert build.error_count == 0, build.report


def _place_everywhere(application, sequence, actor) -> list[Leaf]:
    leaves = []
    for n, section in enumerate(sections_for("us").values()):
        version = upload(application, f"Document {n}", f"doc-{n:03d}.pdf", pdf_bytes(), actor)
        leaves.append(
            leaf_add(
                sequence=sequence,
                section=section.code,
                title=f"{section.code} {section.title}",
                attributes={key: ATTRIBUTES[key] for key in section.keys},
                form_type="fda-356h" if section.forms else "",
                version=version,
                actor=actor,
            )
        )
    return leaves


def test_a_document_in_every_offered_location_validates_against_both_dtds(nda, submission_manager, tmp_path):
    sequence = sequence_create(application=nda, submission_type="original", actor=submission_manager)
    leaves = _place_everywhere(nda, sequence, submission_manager)

    build = package_build(sequence=sequence, out_dir=tmp_path, actor=submission_manager)

    _assert_valid(build)
    assert set(row["status"] for row in build.report) == {"pass"}, build.report
    assert {"1.14.1.3", "1.20", "1.4.4", "1.12.4", "2.5", "3.2.P.8", "5.3.5.1"} <= {x.section for x in leaves}


def test_a_lifecycle_sequence_with_replace_append_and_delete_validates_against_both_dtds(
    nda, submission_manager, tmp_path
):
    actor = submission_manager
    first = sequence_create(application=nda, submission_type="original", actor=actor)
    earlier = {leaf.section: leaf for leaf in _place_everywhere(nda, first, actor)}
    package_build(sequence=first, out_dir=tmp_path, actor=actor)
    second = sequence_create(
        application=nda,
        submission_type="original",
        submission_sub_type="amendment",
        activity_start=first,
        actor=actor,
    )
    plan = {
        "1.14.1.3": "replace",
        "1.20": "append",
        "1.4.4": "delete",
        "1.15.2.1.1": "replace",
        "2.5": "replace",
        "3.2.S.2": "append",
        "3.2.P.8": "delete",
        "5.3.5.1": "replace",
    }
    leaf_add(
        sequence=second,
        section="1.2",
        title="Cover letter",
        version=upload(nda, "Cover 2", "cover-2.pdf", pdf_bytes(), actor),
        actor=actor,
    )
    for n, (section, operation) in enumerate(plan.items()):
        target = earlier[section]
        version = None
        if operation != "delete":
            version = upload(nda, f"V2 {n}", f"v2-{n}.pdf", pdf_bytes(), actor)
        leaf_add(
            sequence=second,
            section=section,
            title=target.title,
            operation=operation,
            modified_leaf=target,
            attributes=target.attributes,
            version=version,
            actor=actor,
        )

    build = package_build(sequence=second, out_dir=tmp_path, actor=actor)

    _assert_valid(build)
    regional = etree.parse(f"{build.path}/m1/us/us-regional.xml").getroot()
    operations = sorted(leaf.get("operation") for leaf in regional.iter("leaf"))
    assert operations == ["append", "delete", "new", "replace", "replace"]
    index = etree.parse(f"{build.path}/index.xml").getroot()
    assert sorted(leaf.get("operation") for leaf in index.iter("leaf")) == [
        "append",
        "delete",
        "new",
        "replace",
        "replace",
    ]
