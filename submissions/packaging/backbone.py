"""index.xml (ICH backbone, DTD 3.2) and us-regional.xml (FDA Module 1, DTD 3.3)."""

from dataclasses import dataclass, field

from lxml import etree

from submissions.models import Leaf, Sequence
from submissions.packaging.layout import REGIONAL_FILE, href, modified_file, section_of
from submissions.reference import fda_codes

ECTD_NS = "http://www.ich.org/ectd"
FDA_NS = "http://www.ich.org/fda"
# The ICH DTD fixes this value, with "w3c.org" (not the W3C's real w3.org): emit it exactly.
XLINK_NS = "http://www.w3c.org/1999/xlink"
ICH_DOCTYPE = '<!DOCTYPE ectd:ectd SYSTEM "util/dtd/ich-ectd-3-2.dtd">'
ICH_STYLESHEET = 'type="text/xsl" href="util/style/ectd-2-0.xsl"'
FDA_DOCTYPE = '<!DOCTYPE fda-regional:fda-regional SYSTEM "https://www.accessdata.fda.gov/static/eCTD/us-regional-v3-3.dtd">'
FDA_STYLESHEET = 'type="text/xsl" href="https://www.accessdata.fda.gov/static/eCTD/us-regional.xsl"'


@dataclass
class _Node:
    element: str
    attrs: dict
    order: int
    children: dict = field(default_factory=dict)
    leaves: list = field(default_factory=list)


def _tree(leaves) -> _Node:
    root = _Node("", {}, 0)
    for leaf in sorted(leaves, key=lambda leaf: (section_of(leaf).order, leaf.pk)):
        node = root
        for step in section_of(leaf).path:
            attrs = {key: leaf.attributes[key] for key in step.keys}
            key = (step.element, tuple(attrs.items()))
            node = node.children.setdefault(key, _Node(step.element, attrs, section_of(leaf).order))
        node.leaves.append(leaf)
    return root


def _leaf_element(parent, leaf: Leaf, checksums: dict[str, str]) -> None:
    attrs = {"ID": leaf.leaf_id, "operation": leaf.operation}
    target = modified_file(leaf)
    if target:
        attrs["modified-file"] = target
    attrs["checksum-type"] = "md5"
    attrs["checksum"] = checksums.get(leaf.leaf_id, "")
    attrs[f"{{{XLINK_NS}}}type"] = "simple"
    attrs[f"{{{XLINK_NS}}}href"] = href(leaf)
    element = etree.SubElement(parent, "leaf", attrs)
    etree.SubElement(element, "title").text = leaf.title


def _emit(parent, node: _Node, checksums) -> None:
    if node.element == "m1-1-forms":
        _emit_forms(parent, node, checksums)
        return
    for leaf in node.leaves:
        _leaf_element(parent, leaf, checksums)
    for child in sorted(node.children.values(), key=lambda n: n.order):
        _emit(etree.SubElement(parent, child.element, child.attrs), child, checksums)


def _emit_forms(parent, node: _Node, checksums) -> None:
    tokens = fda_codes()["form_types"]
    by_type: dict[str, list] = {}
    for leaf in node.leaves:
        by_type.setdefault(leaf.form_type, []).append(leaf)
    for form_type, leaves in by_type.items():
        form = etree.SubElement(parent, "form", {"form-type": tokens[form_type]["token"]})
        for leaf in leaves:
            _leaf_element(form, leaf, checksums)


def _serialise(root, doctype: str, stylesheet: str) -> bytes:
    root.addprevious(etree.ProcessingInstruction("xml-stylesheet", stylesheet))
    return etree.tostring(
        root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=doctype
    )


def regional_leaf_id(sequence: Sequence) -> str:
    return f"us-regional-{sequence.label}"


def index_xml(sequence: Sequence, leaves, checksums: dict[str, str]) -> bytes:
    """The ICH backbone. For the US, Module 1 holds one leaf: the regional backbone."""
    root = etree.Element(f"{{{ECTD_NS}}}ectd", nsmap={"ectd": ECTD_NS, "xlink": XLINK_NS})
    root.set("dtd-version", "3.2")
    if sequence.application.region == "us":
        m1 = etree.SubElement(root, "m1-administrative-information-and-prescribing-information")
        attrs = {
            "ID": regional_leaf_id(sequence),
            "operation": "new",
            "checksum-type": "md5",
            "checksum": checksums[REGIONAL_FILE],
            f"{{{XLINK_NS}}}type": "simple",
            f"{{{XLINK_NS}}}href": REGIONAL_FILE,
        }
        etree.SubElement(etree.SubElement(m1, "leaf", attrs), "title").text = "US regional information"
    ich = [leaf for leaf in leaves if section_of(leaf).module > 1]
    _emit(root, _tree(ich), checksums)
    return _serialise(root, ICH_DOCTYPE, ICH_STYLESHEET)


def _admin(parent, sequence: Sequence) -> None:
    app = sequence.application
    codes = fda_codes()
    admin = etree.SubElement(parent, "admin")
    info = etree.SubElement(admin, "applicant-info")
    etree.SubElement(info, "id").text = app.applicant_id or "999999999"
    etree.SubElement(info, "company-name").text = app.company_name
    if sequence.description:
        etree.SubElement(info, "submission-description").text = sequence.description
    contact = etree.SubElement(etree.SubElement(info, "applicant-contacts"), "applicant-contact")
    etree.SubElement(
        contact, "applicant-contact-name", {"applicant-contact-type": "fdaact1"}
    ).text = app.contact_name
    phones = etree.SubElement(contact, "telephones")
    etree.SubElement(phones, "telephone", {"telephone-number-type": "fdatnt1"}).text = app.contact_phone
    etree.SubElement(etree.SubElement(contact, "emails"), "email").text = app.contact_email
    application = etree.SubElement(etree.SubElement(admin, "application-set"), "application")
    application.set("application-containing-files", "true")
    number = etree.SubElement(etree.SubElement(application, "application-information"), "application-number")
    number.set("application-type", codes["application_types"][app.application_type]["token"])
    number.text = "".join(c for c in app.agency_number if c.isdigit()).zfill(6)
    submission = etree.SubElement(application, "submission-information")
    start = sequence.activity_start or sequence
    etree.SubElement(
        submission,
        "submission-id",
        {"submission-type": codes["submission_types"][sequence.submission_type]["token"]},
    ).text = start.label
    etree.SubElement(
        submission,
        "sequence-number",
        {"submission-sub-type": codes["submission_sub_types"][sequence.submission_sub_type]["token"]},
    ).text = sequence.label


def us_regional_xml(sequence: Sequence, leaves, checksums: dict[str, str]) -> bytes:
    root = etree.Element(f"{{{FDA_NS}}}fda-regional", nsmap={"fda-regional": FDA_NS, "xlink": XLINK_NS})
    root.set("dtd-version", "3.3")
    _admin(root, sequence)
    m1 = [leaf for leaf in leaves if section_of(leaf).module == 1]
    _emit(root, _tree(m1), checksums)
    return _serialise(root, FDA_DOCTYPE, FDA_STYLESHEET)
