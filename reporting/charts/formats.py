"""Numbers as people read them, one rule per unit, the same on axes, in tables and in templates.

`format_value` formats in Python (tables, templates: the `unit_format` filter); `vega_format`
writes the same rule as a Vega expression for axis labels, so a page never shows "$1.2M" in a
table beside "1,200,000" on the axis. CSV files carry the raw numbers instead.
"""

from __future__ import annotations

from decimal import Decimal

UNITS = ("usd", "percent", "count", "hours", "tokens", "score")
MINUS = "\u2212"  # the typographic minus, as Vega's number format writes it
EMPTY = "—"
_STEPS = ((1e9, "B"), (1e6, "M"), (1e3, "K"))


def format_value(value, unit: str, *, compact: bool = True) -> str:
    """`value` in `unit`: usd "$1.2M" (in full, `compact=False`: "$1,234,567"), percent (a ratio
    from 0 to 1) "85.0 %", count "1,234", hours "12.5 h", tokens "3.4M", score (readiness points
    out of 100) "48"; a dash for a missing value."""
    check_unit(unit)
    if value is None or value == "":
        return EMPTY
    number = float(value) if isinstance(value, Decimal | int | str) else value
    sign = MINUS if number < 0 else ""
    size = abs(number)
    if unit == "percent":
        return f"{sign}{size * 100:.1f} %"
    if unit == "hours":
        return f"{sign}{size:,.1f} h"
    if unit in ("count", "score"):
        return f"{sign}{size:,.0f}"
    digits = _compact(size) if compact else f"{size:,.0f}"
    return sign + ("$" if unit == "usd" else "") + digits


def check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"Unknown unit {unit!r}: use one of {', '.join(UNITS)}.")


def _compact(size: float) -> str:
    for step, suffix in _STEPS:
        if size >= step:
            return _trim(f"{size / step:.1f}") + suffix
    return f"{size:,.0f}"


def _trim(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text


def vega_format(unit: str, field: str = "datum.value") -> str:
    """A Vega expression giving `format_value(field, unit)` (for `labelExpr`)."""
    check_unit(unit)
    size = f"abs({field})"
    sign = f"({field} < 0 ? '{MINUS}' : '')"
    if unit == "percent":
        body = f"format({size} * 100, '.1f') + ' %'"
    elif unit == "hours":
        body = f"format({size}, ',.1f') + ' h'"
    elif unit in ("count", "score"):
        body = f"format({size}, ',.0f')"
    else:
        body = ("'$' + " if unit == "usd" else "") + _vega_compact(size)
    return f"{sign} + {body}"


def _vega_compact(size: str) -> str:
    expression = f"format({size}, ',.0f')"
    for step, suffix in reversed(_STEPS):
        expression = (
            f"({size} >= {step:.0e} ? format({size} / {step:.0e}, '.1~f') + '{suffix}' : {expression})"
        )
    return f"({expression})"
