"""The shipped FDA Module 1 tree is the one the FDA's regional DTD 3.3 declares."""

import re

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from submissions.reference import HERE, module1_headings, sections_for
from submissions.services import SubmissionError, leaf_add
from submissions.tests.conftest import ECTD_REFERENCE, pdf_bytes, upload

FDA_DTD = ECTD_REFERENCE / "dtd" / "us-regional-v3-3.dtd"


def _children(content) -> list[str]:
    if content is None:
        return []
    if content.type == "element":
        return [content.name]
    return _children(content.left) + _children(content.right)


def _dtd_headings() -> dict[str, dict]:
    """Read straight from the DTD: every heading under m1-regional, by element name."""
    declarations = {d.name: d for d in etree.DTD(str(FDA_DTD)).iterelements()}
    found = {}

    def walk(name, parents):
        children = _children(declarations[name].content)
        required = sorted(a.name for a in declarations[name].iterattributes() if a.default == "required")
        found[name] = {"parents": parents, "children": children, "required": required}
        for child in children:
            if child.startswith("m1-"):
                walk(child, [*parents, name])

    for top in _children(declarations["m1-regional"].content):
        walk(top, ["m1-regional"])
    return found


def _element(step: str) -> tuple[str, list[str]]:
    name, _, keys = step.partition("[")
    return name, sorted(keys.rstrip("]").split(",")) if keys else []


def test_every_shipped_heading_is_a_dtd_heading_with_its_content_model():
    dtd = _dtd_headings()
    shipped = {_element(row["path"][-1])[0]: row for row in module1_headings()}
    assert set(shipped) == set(dtd)
    for name, row in shipped.items():
        numbers = re.match(r"m1-([\d-]+?)-[a-z]", name)[1]
        assert row["code"] == "1." + numbers.replace("-", "."), name
        assert row["title"].lower() == name.removeprefix(f"m1-{numbers}-").replace("-", " "), name
        steps = [_element(step) for step in row["path"]]
        assert [n for n, _ in steps] == [*dtd[name]["parents"], name]
        assert steps[-1][1] == dtd[name]["required"], name
        takes_documents = "leaf" in dtd[name]["children"] or dtd[name]["children"] == ["form"]
        assert row["documents"] is takes_documents, name


def test_the_portal_offers_exactly_the_headings_whose_content_model_admits_a_leaf():
    dtd = _dtd_headings()
    admits = {name for name, h in dtd.items() if "leaf" in h["children"]} | {"m1-1-forms"}
    offered = [s for s in sections_for("us").values() if s.module == 1]
    assert {s.path[-1].element for s in offered} == admits
    for heading in ("m1-3-administrative-information", "m1-4-references", "m1-12-other-correspondence"):
        assert heading not in admits  # they hold only sub-headings
    assert {"1.3", "1.4", "1.12", "1.14"}.isdisjoint(s.code for s in offered)


def test_the_command_regenerates_the_shipped_file_from_the_dtd(tmp_path):
    out = tmp_path / "us-module1.yaml"
    call_command("submissions_module1_tree", str(FDA_DTD), "--out", str(out))
    assert out.read_text() == (HERE / "us-module1.yaml").read_text()


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.write_text("<!ELEMENT other (#PCDATA)>")])
def test_the_command_refuses_a_path_that_is_not_the_fda_dtd_and_writes_nothing(tmp_path, make):
    given, out = tmp_path / "given.dtd", tmp_path / "us-module1.yaml"
    make(given)
    with pytest.raises(CommandError, match=r"given\.dtd"):
        call_command("submissions_module1_tree", str(given), "--out", str(out))
    assert not out.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("heading", ["1.3", "1.4", "1.12", "1.14", "1.14.1"])
def test_a_document_on_a_heading_without_documents_is_refused_and_nothing_is_added(
    first_sequence, submission_manager, heading
):
    before = first_sequence.leaves.count()
    version = upload(first_sequence.application, "Label", "label.pdf", pdf_bytes(), submission_manager)
    with pytest.raises(SubmissionError, match=f"Section {heading} is not a CTD location for the US region"):
        leaf_add(
            sequence=first_sequence,
            section=heading,
            title="Labeling",
            version=version,
            actor=submission_manager,
        )
    assert first_sequence.leaves.count() == before


@pytest.mark.django_db
def test_promotional_material_keeps_one_audience_per_sequence_as_the_dtd_holds_one(
    first_sequence, submission_manager
):
    attributes = {
        "promotional-material-audience-type": "fdapmat1",
        "promotional-material-doc-type": "fdapmdt1",
        "promotional-material-type": "fdapmt1",
        "material-id": "PM-1",
    }
    add = lambda **kw: leaf_add(  # noqa: E731
        sequence=first_sequence,
        title="Material",
        version=upload(first_sequence.application, "PM", "pm.pdf", pdf_bytes(), submission_manager),
        actor=submission_manager,
        **kw,
    )
    add(section="1.15.2.1.1", attributes=attributes)
    add(section="1.15.2.1.2", attributes={**attributes, "material-id": "PM-2"})  # materials repeat
    before = first_sequence.leaves.count()
    with pytest.raises(SubmissionError, match="promotional-material-audience-type is 'fdapmat1'"):
        add(section="1.15.1.11", attributes={"promotional-material-audience-type": "fdapmat2"})
    with pytest.raises(SubmissionError, match="promotional-material-doc-type is 'fdapmdt1'"):
        add(section="1.15.2.1.1", attributes={**attributes, "promotional-material-doc-type": "fdapmdt2"})
    assert first_sequence.leaves.count() == before
