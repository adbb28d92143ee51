"""A lineage graph drawn server-side as SVG: a small layered layout, no JavaScript, no CDN.

Nodes sit in columns by their signed distance from the focus (upstream left, downstream
right); within a column they are ordered by the mean row of their neighbours in the previous
column (one barycentre pass), which keeps most edges short and uncrossed on small graphs.
"""

from xml.sax.saxutils import escape, quoteattr  # nosec B406 # escapes output, parses nothing

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 220, 40, 60, 14, 12
NAME_CHARS, PLACE_CHARS = 28, 34  # what fits in NODE_W at 12 px and 10 px


def _clip(text: str, limit: int) -> str:
    """Cut at the right, so a label keeps its beginning (the part people read first)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split(label: str) -> tuple[str, str]:
    """'namespace/db.schema.table' -> ('table', 'db.schema'): the table's own name is the large
    line, the schema it lives in the small one; the namespace (maybe a long path) and the full
    name stay in the tooltip."""
    head, sep, name = label.rpartition(".")
    if not sep or "/" in name:
        head, _, name = label.rpartition("/")
    return name, head.rpartition("/")[2]


def _order(layers: dict[int, list[int]], edges) -> None:
    neighbours: dict[int, list[int]] = {}
    for src, dst in edges:
        neighbours.setdefault(src, []).append(dst)
        neighbours.setdefault(dst, []).append(src)
    row = {}
    for layer in sorted(layers, key=abs):

        def weight(node):
            placed = [row[n] for n in neighbours.get(node, []) if n in row]
            return sum(placed) / len(placed) if placed else 0

        layers[layer].sort(key=lambda n: (weight(n), n))
        row.update({n: i for i, n in enumerate(layers[layer])})


def lineage_svg(nodes: dict[int, tuple[str, int]], edges: list[tuple[int, int]], href, focus: int) -> str:
    """`nodes`: id -> (label, layer); `href(id)` gives each node's link."""
    layers: dict[int, list[int]] = {}
    for node, (_, layer) in nodes.items():
        layers.setdefault(layer, []).append(node)
    _order(layers, edges)
    low = min(layers, default=0)
    position = {}
    for layer, members in layers.items():
        for index, node in enumerate(members):
            position[node] = (MARGIN + (layer - low) * (NODE_W + GAP_X), MARGIN + index * (NODE_H + GAP_Y))
    width = MARGIN * 2 + len(layers) * (NODE_W + GAP_X) - GAP_X
    height = MARGIN * 2 + max((len(m) for m in layers.values()), default=1) * (NODE_H + GAP_Y) - GAP_Y
    parts = [
        # Scales down to the width of the page instead of being cut off by it.
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" style="max-width:{width}px;height:auto" '
        f'viewBox="0 0 {width} {height}" class="lineage-graph" role="img" aria-label="Lineage graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#666"/></marker></defs>',
    ]
    for src, dst in edges:
        if src in position and dst in position:
            (x1, y1), (x2, y2) = position[src], position[dst]
            parts.append(
                f'<line x1="{x1 + NODE_W}" y1="{y1 + NODE_H // 2}" x2="{x2}" y2="{y2 + NODE_H // 2}" '
                'stroke="#666" marker-end="url(#arrow)"/>'
            )
    for node, (label, _) in nodes.items():
        x, y = position[node]
        fill = "#ffe8a8" if node == focus else "#e8f0fa"
        name, place = _split(label)
        parts.append(
            f"<a href={quoteattr(href(node))}><title>{escape(label)}</title>"
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="5" '
            f'fill="{fill}" stroke="#417690"/>'
            f'<text x="{x + 8}" y="{y + 17}" font-family="sans-serif" font-size="12">'
            f"{escape(_clip(name, NAME_CHARS))}</text>"
            f'<text x="{x + 8}" y="{y + 32}" font-family="sans-serif" font-size="10" fill="#555">'
            f"{escape(_clip(place, PLACE_CHARS))}</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)
