"""Derive the FDA Module 1 heading tree from the regional DTD's content models.

The FDA publishes `us-regional-v3-3.dtd`, not a list of sections: which headings exist, in which
order, and which of them may hold documents (`leaf`) is written only in the element declarations.
`manage.py submissions_module1_tree DTD` runs this once to write `us-module1.yaml`; the DTD
itself is not ours to ship.
"""

import re

import yaml
from lxml import etree

ROOT = "m1-regional"
_HEADING = re.compile(r"^m1-(?P<numbers>\d+(?:-\d+)*)-(?P<words>.+)$")
# Words the DTD writes in lower case that are abbreviations in the FDA's own headings.
_ACRONYMS = {"anda", "bla", "dsur", "eua", "ind", "nda", "rems"}
# Keyed headings: the folder gets the value of this attribute so that two of them cannot collide.
_FOLDER_KEYS = {"material-id": "material"}


def _names(content) -> list[str]:
    """Element names of a content model, in document order (lxml gives a binary tree)."""
    if content is None:
        return []
    if content.type == "element":
        return [content.name]
    return _names(content.left) + _names(content.right)


def _repeatable(content, repeated: bool = False) -> set[str]:
    """Names that may occur more than once: `*` or `+` on them or on a group around them."""
    if content is None:
        return set()
    repeated = repeated or content.occur in ("mult", "plus")
    if content.type == "element":
        return {content.name} if repeated else set()
    return _repeatable(content.left, repeated) | _repeatable(content.right, repeated)


def heading_code(element: str) -> str:
    match = _HEADING.match(element)
    if match is None:
        raise ValueError(f"{element} is not a Module 1 heading element")
    return "1." + match["numbers"].replace("-", ".")


def heading_title(element: str) -> str:
    words = _HEADING.match(element)["words"].split("-")
    words = [w.upper() if w in _ACRONYMS else w for w in words]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def _required_keys(declaration) -> list[str]:
    return [a.name for a in declaration.iterattributes() if a.default == "required"]


def _folder(code: str, title: str, keys: list[str]) -> str:
    """One flat folder per heading under m1/us (nesting would eat the FDA's 150-character path limit)."""
    name = code.replace(".", "") + "-" + "-".join(title.lower().split()[:3])
    return f"m1/us/{name}" + "".join(f"-{{{_FOLDER_KEYS[k]}}}" for k in keys if k in _FOLDER_KEYS)


def module1_rows(dtd_path: str) -> list[dict]:
    """Every heading under m1-regional, depth first in the DTD's order, with its backbone path."""
    declarations = {d.name: d for d in etree.DTD(dtd_path).iterelements()}
    rows: list[dict] = []

    def walk(
        element: str, path: list[str], folder_keys: list[str], single: list[str], repeatable: bool
    ) -> None:
        declaration = declarations[element]
        children = _names(declaration.content)
        code, title = heading_code(element), heading_title(element)
        keys = _required_keys(declaration)
        folder_keys = [*folder_keys, *keys]
        # a keyed heading that may occur once holds one value of its keys for the whole sequence
        single = single if repeatable else [*single, *keys]
        step = f"{element}[{','.join(keys)}]" if keys else element
        row = {
            "code": code,
            "region": "us",
            "title": title,
            "path": [*path, step],
            "documents": "leaf" in children or children == ["form"],
        }
        if row["documents"]:
            row["folder"] = _folder(code, title, folder_keys)
        if children == ["form"]:
            row["forms"] = True
        if row["documents"] and single:
            row["same_in_sequence"] = single
        rows.append(row)
        many = _repeatable(declaration.content)
        for child in children:
            if child.startswith("m1-"):
                walk(child, row["path"], folder_keys, single, child in many)

    top = declarations[ROOT].content
    for element in _names(top):
        walk(element, [ROOT], [], [], element in _repeatable(top))
    folders = [row["folder"] for row in rows if row["documents"]]
    if len(set(folders)) != len(folders):
        raise ValueError("two Module 1 headings would share a folder")
    return rows


HEADER = """\
# FDA Module 1 (us-regional.xml) headings, generated from the FDA regional DTD 3.3 by
# `manage.py submissions_module1_tree PATH/us-regional-v3-3.dtd`: do not edit by hand.
# `documents: true` where the heading's content model admits `leaf` (or `form`, for 1.1);
# the other headings only hold sub-headings and take no document. Titles are the element names.
"""


def module1_yaml(dtd_path: str) -> str:
    body = yaml.safe_dump(
        {"version": 1, "dtd": "us-regional-v3-3.dtd", "sections": module1_rows(dtd_path)},
        sort_keys=False,
        default_flow_style=None,
        width=200,
    )
    return HEADER + body
