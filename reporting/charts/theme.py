"""How charts look: a transparent background, text and rules in the page's own text colour, and
series colours readable on the admin's light and dark themes.

The admin switches theme with `html[data-theme]` (light, dark, or auto = the browser's
`prefers-color-scheme`) and CSS variables (`--body-fg`, `--body-bg`). An inline SVG follows both
for free if its text is drawn in `currentColor`: the spec draws text and rules in a sentinel
colour (INK) that `render.svg` rewrites to `currentColor`. PNGs (for PDFs, printed on white)
use the admin's light text colour on white instead.
"""

from __future__ import annotations

INK = "#010203"  # placeholder for "the page's text colour"; never used as a real colour
PRINT_INK = "#333333"  # the admin's light-theme --body-fg
FONT = "-apple-system, 'Segoe UI', system-ui, Roboto, 'Helvetica Neue', Arial, sans-serif"

# The admin's backgrounds: light --body-bg, dark --body-bg and --darkened-bg.
BACKGROUNDS = {"light": "#ffffff", "dark": "#121212", "dark (darkened)": "#212121"}

# Categorical colours, each at least 3:1 against every background above (WCAG 1.4.11 for graphics)
# and told apart by the common colour-vision deficiencies (after Okabe & Ito, darkened to fit).
PALETTE = ("#3a86c8", "#d55e00", "#009e73", "#cc79a7", "#c77c00", "#8e6cc9", "#8a8a8a")
TOTAL, INCREASE, DECREASE = "#3a86c8", "#009e73", "#d55e00"  # waterfall steps
HEAT_SCHEME = "viridis"  # sequential, perceptually even, legible in greyscale


def vega_config(*, ink: str) -> dict:
    """The Vega-Lite `config` with text and rules in `ink`."""
    axis = {
        "labelColor": ink,
        "titleColor": ink,
        "gridColor": ink,
        "gridOpacity": 0.15,
        "domainColor": ink,
        "domainOpacity": 0.5,
        "tickColor": ink,
        "tickOpacity": 0.5,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
    }
    return {
        "background": "transparent",
        "font": FONT,
        "view": {"stroke": None},
        "axis": axis,
        "legend": {"labelColor": ink, "titleColor": ink, "labelFontSize": 12, "orient": "bottom"},
        "title": {"color": ink},
        "text": {"color": ink},
        "range": {"category": list(PALETTE)},
    }


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
