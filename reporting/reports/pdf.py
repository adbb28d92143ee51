"""ReportDocument -> PDF and -> CSV (docs/report-pdf.md).

The PDF is laid out with reportlab's platypus, the engine under xhtml2pdf, without the HTML
step: measured on a 50-page report, xhtml2pdf spends its time building, copying and wrapping a
paragraph per table cell, while a table of plain text cells is laid out 15-20x faster
(benchmarks/report_pdf.py has the figures). Charts are the charts' cached PNGs.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC

from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus.doctemplate import LayoutError

from reporting.reports.document import ReportDocument
from reporting.reports.pdf_page import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE, Chrome, numbered_canvas
from reporting.reports.pdf_story import story, why_empty


class PdfRenderError(RuntimeError):
    pass


def render_pdf(document: ReportDocument) -> bytes:
    """The document as PDF bytes: a header naming the report and the warehouse run on every
    page, "page N of M" and the generation time in the footer, tables whose header row repeats
    on every page they cross. An empty document gives a page saying why."""
    out = io.BytesIO()
    chrome = Chrome(title=document.title, run=str(document.freshness), generated_at=document.generated_at)
    template = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=document.title,
        subject=document.subtitle,
        creator="Custodian",
    )
    try:
        template.build(story(document), canvasmaker=numbered_canvas(chrome))
    except LayoutError as exc:
        raise PdfRenderError(f"The PDF of {document.title!r} could not be laid out: {exc}") from exc
    return out.getvalue()


def render_csv(document: ReportDocument) -> str:
    """The report as one CSV: title, subtitle and run, the notes, then every section's table
    under its heading (or its note), values as formatted for reading."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(document.title)])
    writer.writerow([_safe(document.subtitle)])
    writer.writerow([f"Numbers from: {document.freshness}"])
    writer.writerow([f"Generated: {document.generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"])
    writer.writerows([["Note", _safe(note)] for note in document.notes])
    if document.empty:
        writer.writerow([why_empty(document)])
    for section in document.sections:
        writer.writerow([])
        writer.writerow([_safe(section.heading)])
        if section.note:
            writer.writerow([_safe(section.note)])
        if section.rows:
            writer.writerow([_safe(heading) for _, heading in section.columns])
            writer.writerows([[_safe(row.get(key)) for key, _ in section.columns] for row in section.rows])
    return out.getvalue()


def _safe(value) -> str:
    """Text a spreadsheet would run as a formula is quoted with a leading apostrophe (as the
    charts' CSV does); a formatted negative number starts with the typographic minus, not "-"."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
