"""Where each leaf goes in a sequence folder, and how backbones point at earlier leaves."""

import re

from submissions.models import Leaf
from submissions.reference import CtdSection, sections_for

PLACEHOLDER_KEYS = {
    "substance": "substance",
    "manufacturer": "manufacturer",
    "product": "product-name",
    "indication": "indication",
    "material": "material-id",  # FDA 1.15.2.1: one folder per promotional material
}


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:40] or "x"


def section_of(leaf: Leaf) -> CtdSection:
    return sections_for(leaf.sequence.application.region)[leaf.section]


def leaf_folder(leaf: Leaf) -> str:
    ctd = section_of(leaf)
    values = {name: slug(leaf.attributes.get(key, "")) for name, key in PLACEHOLDER_KEYS.items()}
    return ctd.folder.format(**values)


def leaf_path(leaf: Leaf) -> str:
    """Path of the leaf's file from the sequence folder; empty for a delete."""
    if leaf.operation == Leaf.Operation.DELETE:
        return ""
    return f"{leaf_folder(leaf)}/{leaf.version.file_name}"


def in_regional_backbone(leaf: Leaf) -> bool:
    return leaf.sequence.application.region == "us" and section_of(leaf).module == 1


REGIONAL_DIR = "m1/us"
REGIONAL_FILE = f"{REGIONAL_DIR}/us-regional.xml"


def href(leaf: Leaf) -> str:
    """The xlink:href: from the sequence folder, or from m1/us/ for the US regional backbone."""
    path = leaf_path(leaf)
    if path and in_regional_backbone(leaf):
        return path.removeprefix(REGIONAL_DIR + "/")
    return path


def modified_file(leaf: Leaf) -> str | None:
    target = leaf.modified_leaf
    if target is None:
        return None
    label = target.sequence.label
    if in_regional_backbone(target):
        return f"../../../{label}/{REGIONAL_FILE}#{target.leaf_id}"
    return f"../{label}/index.xml#{target.leaf_id}"
