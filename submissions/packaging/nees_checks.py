"""Pre-flight checks of a NeeS sequence, after the EU NeeS validation criteria."""

import re
from pathlib import PurePosixPath

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from submissions.packaging.checks import Context, Finding, check_names, check_pdfs, run
from submissions.packaging.nees import TOC_FILE, TRACKING_FILE


def check_nees_structure(ctx: Context):
    if not re.fullmatch(r"\d{4}", ctx.sequence_dir.name):
        yield Finding("fail", ctx.sequence_dir.name, "The sequence folder must be named with 4 digits.")
    for relative in (TOC_FILE, TRACKING_FILE):
        if not (ctx.sequence_dir / relative).is_file():
            yield Finding("fail", relative, f"{relative} is missing.")
    for relative in ("index.xml", "index-md5.txt"):
        if (ctx.sequence_dir / relative).exists():
            yield Finding("fail", relative, "A NeeS sequence carries no eCTD backbone.")
    for folder in sorted(p for p in ctx.sequence_dir.rglob("*") if p.is_dir()):
        if not any(folder.iterdir()):
            yield Finding("fail", folder.relative_to(ctx.sequence_dir).as_posix(), "Empty folder.")


def _toc_links(ctx: Context) -> list[str]:
    return toc_links(ctx.sequence_dir / TOC_FILE)


def toc_links(path) -> list[str]:
    """Targets of the TOC's links: GoToR actions (to another PDF's first page) or URIs."""
    links = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if action.get("/S") == "/GoToR":
                links.append(str(action["/F"]))
            elif "/URI" in action:
                links.append(str(action["/URI"]))
    return links


def check_toc_links(ctx: Context):
    if not (ctx.sequence_dir / TOC_FILE).is_file():
        return
    try:
        links = _toc_links(ctx)
    except (PdfReadError, OSError, ValueError) as exc:
        yield Finding("fail", TOC_FILE, f"The table of contents cannot be read: {exc}")
        return
    for link in links:
        path = PurePosixPath(link)
        if path.is_absolute() or "://" in link or ".." in path.parts:
            yield Finding("fail", TOC_FILE, f"Link {link!r} must be relative to the sequence folder.")
        elif not (ctx.sequence_dir / link).is_file():
            yield Finding("fail", TOC_FILE, f"Link {link!r} points to a file that does not exist.")
    listed = set(links) | {TOC_FILE}
    for relative in ctx.files():
        if relative not in listed:
            yield Finding("fail", relative, "File is in the sequence but not in the table of contents.")


def check_formats(ctx: Context):
    for relative in ctx.files():
        if not relative.endswith(".pdf"):
            yield Finding("fail", relative, "NeeS documents must be PDF.")


NEES_CHECKS = [
    (
        "nees-structure",
        "Sequence folder, tables of contents, no backbone, no empty folders",
        check_nees_structure,
    ),
    ("toc-links", "Every TOC link is relative and resolves; every file is listed", check_toc_links),
    ("formats", "Only PDF documents", check_formats),
    ("names", "File and folder names and path lengths", check_names),
    ("pdf", "PDFs open and are not encrypted", check_pdfs),
]


def run_nees(ctx: Context) -> list[dict]:
    return run(ctx, NEES_CHECKS)
