"""Build a NeeS sequence: the CTD folder tree with hyperlinked PDF tables of contents, no XML."""

import io
import shutil
import uuid
from html import escape
from pathlib import Path

from xhtml2pdf import pisa

from submissions.packaging import files
from submissions.packaging.layout import leaf_path, section_of

TOC_FILE = "ctd-toc.pdf"
TRACKING_FILE = "m1/eu/10-cover/tracking-table.pdf"
_STYLE = (
    "<style>body{font-family:Helvetica;font-size:10pt} th,td{padding:3px;text-align:left}"
    " h2{margin-top:12pt}</style>"
)


class TocError(Exception):
    pass


def _pdf(title: str, html: str) -> bytes:
    """Render `html`; `title` becomes the PDF's Title metadata (what a viewer shows in its title bar)."""
    out = io.BytesIO()
    head = f"<title>{escape(title)}</title>{_STYLE}"
    result = pisa.CreatePDF(f"<html><head>{head}</head><body>{html}</body></html>", dest=out)
    if result.err:
        raise TocError("The table of contents could not be rendered as PDF.")
    return out.getvalue()


def toc_pdf(sequence, entries: list[tuple[str, str, str]]) -> bytes:
    """entries: (section code, title, path). Each title links to the first page of its file."""
    app = sequence.application
    document_title = f"{app.product}: table of contents, sequence {sequence.label}"
    parts = [f"<h1>{escape(app.product)}: sequence {sequence.label}</h1>"]
    for module in sorted({code.split(".")[0] for code, _, _ in entries}):
        parts.append(f"<h2>Module {module}</h2><table>")
        for code, title, path in (e for e in entries if e[0].split(".")[0] == module):
            parts.append(
                f'<tr><td>{escape(code)}</td><td><a href="{escape(path)}">{escape(title)}</a></td></tr>'
            )
        parts.append("</table>")
    return _pdf(document_title, "".join(parts))


def _tracking_row(s, current) -> str:
    label = f"{s.label} (this sequence)" if s.pk == current.pk else s.label
    sent = f"{s.sent_at:%Y-%m-%d}" if s.sent_at else "not sent"
    cells = [label, s.submission_type, s.description, s.get_status_display(), sent]
    return "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"


def tracking_pdf(sequence, history) -> bytes:
    """Every sequence so far, each with its own number and status: NeeS has no lifecycle
    metadata, so this table carries it."""
    product = sequence.application.product
    rows = "".join(_tracking_row(s, sequence) for s in history)
    return _pdf(
        f"{product}: tracking table, sequence {sequence.label}",
        f"<h1>Tracking table: {escape(product)}</h1>"
        "<table><tr><th>Sequence</th><th>Type</th><th>Description</th><th>Status</th><th>Sent</th></tr>"
        f"{rows}</table>",
    )


def build(sequence, leaves, sequence_dir: Path, history) -> tuple[dict[str, str], dict[str, str]]:
    staging = sequence_dir.parent / f".{sequence_dir.name}.building-{uuid.uuid4().hex[:8]}"
    md5s, sha256s, entries = {}, {}, []
    try:
        placed = [
            (leaf, path)
            for leaf in sorted(leaves, key=lambda x: (section_of(x).order, x.pk))
            if (path := leaf_path(leaf))
        ]
        jobs = [files.Placement.of(leaf.version, staging / path) for leaf, path in placed]
        for (leaf, path), md5 in zip(placed, files.place_all(jobs), strict=True):
            md5s[path] = md5
            sha256s[path] = leaf.version.sha256
            entries.append((leaf.section, leaf.title, path))
        files.write(staging / TRACKING_FILE, tracking_pdf(sequence, history))
        entries.insert(0, ("1.0", "Tracking table", TRACKING_FILE))
        files.write(staging / TOC_FILE, toc_pdf(sequence, entries))
        staging.rename(sequence_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return md5s, sha256s
