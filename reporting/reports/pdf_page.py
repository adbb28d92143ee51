"""The page of a report PDF: A4, its fonts, and the header and footer drawn on every page.

"page N of M" needs M, known only once the last page is laid out. The canvas keeps each
finished page's drawing operations (a few kilobytes of text a page; reportlab holds the pages
in memory until it writes the file anyway) and draws the header and footer on all of them at
`save()`, when M is known: one layout pass, instead of laying the document out twice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import reportlab
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

PAGE = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 1.6 * cm, 2.2 * cm, 2.0 * cm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN_X
INK, MUTED, RULE = "#1f2933", "#52606d", "#9aa5b1"
CHROME_SIZE = 7.5

# Helvetica (a PDF base font) has no glyph for the minus sign of our number formats, nor for
# most letters outside Western Europe; an embedded TrueType font has. DejaVu Sans where the
# system has it (Debian: fonts-dejavu-core), else Bitstream Vera, which ships inside reportlab.
_FONT_FILES = {
    "regular": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "Vera.ttf"],
    "bold": ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "VeraBd.ttf"],
}


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


@cache
def fonts() -> Fonts:
    """Register the report fonts once per process and return their names."""
    names = {}
    for weight, candidates in _FONT_FILES.items():
        path = next(p for p in map(_font_path, candidates) if os.path.exists(p))
        name = f"Report-{weight}"
        pdfmetrics.registerFont(TTFont(name, path))
        names[weight] = name
    # <b> inside a paragraph looks the bold face up through the family
    pdfmetrics.registerFontFamily(names["regular"], normal=names["regular"], bold=names["bold"])
    return Fonts(**names)


def _font_path(candidate: str) -> str:
    return candidate if os.path.isabs(candidate) else os.path.join(reportlab.__path__[0], "fonts", candidate)


@dataclass(frozen=True)
class Chrome:
    """What every page says besides its content."""

    title: str
    run: str  # the warehouse run behind the numbers, or that there is none
    generated_at: datetime

    def footer_left(self) -> str:
        at = self.generated_at.astimezone(UTC)
        return f"Generated {at:%Y-%m-%d %H:%M} UTC by Custodian"


def numbered_canvas(chrome: Chrome):
    """A canvas class for `doc.build(canvasmaker=...)` drawing `chrome` and "page N of M"."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                draw_chrome(self, chrome, number, len(self._pages))
                super().showPage()
            super().save()

    return NumberedCanvas


def draw_chrome(sheet: canvas.Canvas, chrome: Chrome, number: int, total: int) -> None:
    width, height = PAGE
    font = fonts().regular
    sheet.saveState()
    sheet.setFont(font, CHROME_SIZE)
    sheet.setFillColor(MUTED)
    top = height - 1.2 * cm
    sheet.drawRightString(width - MARGIN_X, top, chrome.run)
    room = FRAME_WIDTH - pdfmetrics.stringWidth(chrome.run, font, CHROME_SIZE) - 0.5 * cm
    sheet.drawString(MARGIN_X, top, fit(chrome.title, font, CHROME_SIZE, room))
    sheet.setStrokeColor(RULE)
    sheet.setLineWidth(0.4)
    sheet.line(MARGIN_X, top - 4, width - MARGIN_X, top - 4)
    bottom = 1.0 * cm
    sheet.drawString(MARGIN_X, bottom, chrome.footer_left())
    sheet.drawRightString(width - MARGIN_X, bottom, f"page {number} of {total}")
    sheet.restoreState()


def fit(text: str, font: str, size: float, width: float) -> str:
    """`text`, cut with an ellipsis where it would be wider than `width` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
