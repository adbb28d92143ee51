"""A ReportDocument as reportlab flowables: the title block, the notes, then per section its
heading, description, chart (a PNG) and table; or, when there is nothing to show, why."""

from __future__ import annotations

import io
import logging
from html import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Image, KeepTogether, Paragraph, Spacer

from reporting.reports.document import ReportDocument, ReportSection
from reporting.reports.pdf_page import FRAME_WIDTH, INK, MUTED, fonts
from reporting.reports.pdf_table import SIZE, PagedTable

logger = logging.getLogger(__name__)

CHART_HEIGHT_MAX = 8.5 * 72 / 2.54  # 8.5 cm: a chart and the start of its table share a page
HEAD_AND_ROWS = 4 * 72 / 2.54  # 4 cm: a heading, a line of description and the first rows
CHART_FAILED = "The chart could not be drawn; the numbers are in the table below."


def story(document: ReportDocument) -> list:
    styles = _styles()
    flowables = [
        Paragraph(escape(document.title), styles["title"]),
        Paragraph(escape(document.subtitle), styles["muted"]),
        Paragraph(escape(f"Numbers from: {document.freshness}"), styles["muted"]),
    ]
    flowables += [Paragraph("<b>Note:</b> " + escape(note), styles["note"]) for note in document.notes]
    if document.empty:
        flowables.append(Paragraph(escape(why_empty(document)), styles["empty"]))
    for section in document.sections:
        flowables += _section(section, styles)
    return flowables


def why_empty(document: ReportDocument) -> str:
    """The sentence an empty report opens with, so no one receives a blank PDF."""
    if document.freshness.run_id is None:
        return "This report has no numbers yet: no warehouse run has built the data it reads."
    if not document.sections:
        return "This report has no numbers to show: none of its metrics can be read (see the notes above)."
    period = document.subtitle or "its period"
    return f"This report has no numbers for {period}: none of its metrics has data in that period."


def _section(section: ReportSection, styles: dict) -> list:
    """Heading, description, note, chart and table. Not `keepWithNext` on the heading: kept with
    a table longer than a page, the heading would be pushed to a page of its own; instead a new
    page starts when the heading, the chart and a few rows would not fit."""
    head = [Paragraph(escape(section.heading), styles["heading"])]
    if section.description:
        head.append(Paragraph(escape(section.description), styles["muted"]))
    if section.note:
        head.append(Paragraph(escape(section.note), styles["body"]))
    if not section.rows:
        return [KeepTogether(head)]
    picture = _chart(section, styles)
    room = HEAD_AND_ROWS + sum(getattr(flowable, "drawHeight", 0) for flowable in picture)
    header = [heading for _, heading in section.columns]
    cells = [[row.get(key) for key, _ in section.columns] for row in section.rows]
    table = PagedTable(header, cells, column_widths(header, cells))
    return [CondPageBreak(room), *head, *picture, table, Spacer(1, 6)]


def _chart(section: ReportSection, styles: dict) -> list:
    """The section's chart as an image; a chart that cannot be drawn is said, not fatal."""
    if section.chart is None or section.chart.is_empty:
        return []
    try:
        png = section.chart.png()
        width, height = ImageReader(io.BytesIO(png)).getSize()
    except Exception:  # a chart is an illustration of the table: any failure must not lose the report
        logger.exception("The chart %r of a report could not be drawn", section.chart.title)
        return [Paragraph(escape(CHART_FAILED), styles["muted"])]
    shown_width = min(FRAME_WIDTH, CHART_HEIGHT_MAX * width / height)
    return [Image(io.BytesIO(png), width=shown_width, height=shown_width * height / width), Spacer(1, 4)]


def column_widths(header: list[str], rows: list[list[str]]) -> list[float]:
    """The frame's width shared in proportion to each column's widest text (sampled: the
    first rows are as wide as any, values being formatted alike), at least a sixth each."""
    font = fonts().regular
    sample = [header, *rows[:200]]
    widest = [max(stringWidth(str(r[i] or ""), font, SIZE) for r in sample) + 12 for i in range(len(header))]
    floor = FRAME_WIDTH / 6
    widest = [max(w, floor) for w in widest]
    scale = FRAME_WIDTH / sum(widest)
    return [w * scale for w in widest]


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts().regular, fonts().bold
    base = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12, textColor=INK, spaceAfter=4)
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=16, leading=20, spaceAfter=6),
        "heading": ParagraphStyle("heading", base, fontName=bold, fontSize=12, leading=15, spaceBefore=10),
        "muted": ParagraphStyle("muted", base, textColor=MUTED),
        "note": ParagraphStyle(
            "note", base, backColor="#fdf6e3", borderPadding=4, spaceBefore=4, spaceAfter=8
        ),
        "empty": ParagraphStyle("empty", base, fontSize=11, leading=15, spaceBefore=12, spaceAfter=12),
    }
