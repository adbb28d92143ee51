"""Reading rendered chart SVGs back in tests: marks, their colours and the text drawn."""

from xml.etree import ElementTree

NS = "{http://www.w3.org/2000/svg}"


def tree(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own renderer's output, not outside input


def _groups(root, mark: str, role: str):
    for group in root.iter(f"{NS}g"):
        classes = group.get("class", "").split()
        if f"mark-{mark}" in classes and f"role-{role}" in classes:
            yield group


def marks(svg: str, mark: str) -> list[ElementTree.Element]:
    """The drawn items of a mark type (rect, line, symbol, text, rule), legends and axes left out."""
    return [item for group in _groups(tree(svg), mark, "mark") for item in group]


def mark_texts(svg: str) -> list[str]:
    return [item.text for item in marks(svg, "text")]


def axis_labels(svg: str, axis: str) -> list[str]:
    """The tick labels of the "X" or "Y" axis."""
    labels = []
    for group in tree(svg).iter(f"{NS}g"):
        if "role-axis" in group.get("class", "") and group.get("aria-label", "").startswith(f"{axis}-axis"):
            labels += [text.text for label in _groups(group, "text", "axis-label") for text in label]
    return labels
