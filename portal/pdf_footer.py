"""A footer stamped on every page of a PDF copy: who downloaded it, from which engagement, when.

The sealed original is never touched: its bytes are what the evidence record's SHA-256 and the
snapshot's signed manifest vouch for. The auditor gets a stamped *copy*, whose footer names the
original's SHA-256; the snapshot package stays the verifiable form.
"""

import io
import tempfile
from datetime import datetime
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

PDF_MAGIC = b"%PDF-"
SPOOL_BYTES = 16 * 1024 * 1024
FONT, FONT_SIZE, LINE_GAP, MARGIN = "Helvetica", 7, 9, 6


class NotStampable(Exception):
    """The PDF cannot be stamped (unreadable, encrypted); the caller serves the original."""


def is_pdf(handle: BinaryIO) -> bool:
    """True when the file starts like a PDF (whatever its name says); the position is kept."""
    position = handle.tell()
    head = handle.read(1024)
    handle.seek(position)
    return PDF_MAGIC in head  # the header may follow a few junk bytes, as readers allow


def footer_lines(*, username: str, engagement: str, at: datetime, original_sha256: str) -> list[str]:
    return [
        f"Downloaded by {username} ({engagement}) at {at:%Y-%m-%d %H:%M:%S} UTC — Custodian",
        f"Copy of sealed file SHA-256 {original_sha256} (verify with the snapshot package)",
    ]


def pdf_with_footer(source: BinaryIO, lines: list[str]):
    """A stamped copy of `source` (an open PDF), spooled to disk past 16 MiB, positioned at 0.

    Raises NotStampable when the PDF cannot be read or is encrypted: pypdf raises many kinds
    of errors on malformed input, so any failure while reading or writing counts.
    """
    try:
        reader = PdfReader(source)
        if reader.is_encrypted:
            raise NotStampable("the PDF is encrypted")
        writer = PdfWriter()
        overlays = {}
        for original in reader.pages:
            page = writer.add_page(original)
            if page.rotation:
                page.transfer_rotation_to_content()  # draw the footer upright, at the visible bottom
            box = page.cropbox
            size = (float(box.width), float(box.height))
            if size not in overlays:
                overlays[size] = _overlay(*size, lines)
            page.merge_transformed_page(overlays[size], Transformation().translate(box.left, box.bottom))
        if reader.metadata:
            writer.add_metadata(reader.metadata)
        copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
        writer.write(copy)
    except NotStampable:
        raise
    except Exception as exc:  # any parse failure means "serve the original"
        raise NotStampable(f"{type(exc).__name__}: {exc}") from exc
    copy.seek(0)
    return copy


def _overlay(width: float, height: float, lines: list[str]):
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(width, height))
    widest = max(stringWidth(line, FONT, FONT_SIZE) for line in lines)
    scale = min(1.0, (width - 4 * MARGIN) / widest)  # small pages get a smaller font, never clipped
    sheet.setFont(FONT, FONT_SIZE * scale)
    sheet.setFillGray(0.3)
    for n, line in enumerate(reversed(lines)):
        sheet.drawCentredString(width / 2, MARGIN + n * LINE_GAP * scale, line)
    sheet.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
