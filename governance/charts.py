"""Server-side SVG for the score pages: no JavaScript, no external assets."""

from datetime import date

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

STATUS_COLOURS = {
    "effective": "#2e7d32",
    "partial": "#f9a825",
    "failing": "#c62828",
    "no_control": "#6d4c41",
    "not_applicable": "#bdbdbd",
}


def history_svg(points: list[tuple[date, float]], width: int = 640, height: int = 180) -> SafeString:
    """A line chart of scores (0-100) over days, oldest first."""
    pad = 30
    if not points:
        return mark_safe('<p class="help">No history yet: scores are recorded daily.</p>')  # nosec B308 # a constant string
    span = max((points[-1][0] - points[0][0]).days, 1)

    def xy(day, score):
        x = pad + (width - 2 * pad) * (day - points[0][0]).days / span
        return round(x, 1), round(height - pad - (height - 2 * pad) * float(score) / 100, 1)

    coords = " ".join(f"{x},{y}" for x, y in (xy(d, s) for d, s in points))
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/><text x="2" y="{}" font-size="10">{}</text>',
        ((pad, width - pad, y, y, y + 3, v) for v, y in ((v, xy(points[0][0], v)[1]) for v in (0, 50, 100))),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="2.5" fill="#1565c0"><title>{}: {}</title></circle>',
        ((*xy(d, s), d.isoformat(), s) for d, s in points),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img" '
        'aria-label="score history">'
        '{}<polyline fill="none" stroke="#1565c0" stroke-width="2" points="{}"/>{}'
        '<text x="{}" y="{}" font-size="10">{}</text>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>'
        "</svg>",
        width,
        height,
        grid,
        escape(coords),
        dots,
        pad,
        height - 8,
        points[0][0].isoformat(),
        width - pad,
        height - 8,
        points[-1][0].isoformat(),
    )
