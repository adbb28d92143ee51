"""ReportDocument -> PDF (xhtml2pdf; charts as PNG images, page numbers, a header naming the
warehouse run behind the numbers) and -> CSV. This first version renders the whole document in
one pass; see benchmarks/report_pdf.py."""

from __future__ import annotations

import base64
import csv
import io

from django.template.loader import render_to_string
from xhtml2pdf import pisa

from reporting.reports.document import ReportDocument


class PdfRenderError(RuntimeError):
    pass


def render_pdf(document: ReportDocument) -> bytes:
    sections = [
        (section, chart, [[row.get(key) for key, _ in section.columns] for row in section.rows])
        for section, chart in zip(document.sections, _charts(document), strict=True)
    ]
    html = render_to_string("reporting/report_pdf.html", {"document": document, "sections": sections})
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise PdfRenderError(f"The PDF of {document.title!r} could not be rendered ({result.err} errors).")
    return out.getvalue()


def render_csv(document: ReportDocument) -> str:
    """Every section's table one after the other, each under its heading."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([document.title, document.subtitle, str(document.freshness)])
    for section in document.sections:
        writer.writerow([])
        writer.writerow([section.heading])
        writer.writerow([heading for _, heading in section.columns])
        writer.writerows([[row.get(key, "") for key, _ in section.columns] for row in section.rows])
        if section.note:
            writer.writerow([section.note])
    return out.getvalue()


def _charts(document: ReportDocument) -> list[str | None]:
    """Each section's chart as a data: URI of its PNG (None where the section has no chart)."""
    return [
        "data:image/png;base64," + base64.b64encode(s.chart.png()).decode() if s.chart else None
        for s in document.sections
    ]
