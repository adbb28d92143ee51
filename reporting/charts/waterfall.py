"""The rows of a waterfall: opening, signed steps, closing, checked to reconcile.

MRR movements arrive as positive amounts per column (contraction_mrr, churned_mrr): the caller
passes decreases as negative steps, e.g. ("Churn", -churned_mrr).
"""

from __future__ import annotations

from reporting.charts.formats import format_value

TOLERANCE = 0.005  # half a cent: amounts summed as floats may differ in the last digits


class WaterfallDoesNotReconcile(ValueError):
    """The steps do not lead from the opening value to the closing value."""


def waterfall_rows(
    *, opening, steps, closing=None, unit="usd", opening_label="Opening", closing_label="Closing"
):
    """Rows for the chart (`step`, `amount`, `start`, `end`, `top`, `kind`, `label`), the closing
    computed from the steps when not given, or checked against them when given."""
    opening = float(opening or 0)
    steps = [(label, float(amount or 0)) for label, amount in steps]
    reached = opening + sum(amount for _, amount in steps)
    if closing is not None and abs(reached - float(closing)) > TOLERANCE:
        off_by = format_value(reached - float(closing), unit)
        raise WaterfallDoesNotReconcile(
            f"Opening {format_value(opening, unit)} plus the steps gives {format_value(reached, unit)}, "
            f"not the closing {format_value(closing, unit)} (off by {off_by}): "
            "a movement is missing or has the wrong sign."
        )
    rows = [_total(opening_label, opening, unit)]
    running = opening
    for label, amount in steps:
        kind = "Decrease" if amount < 0 else "Increase"
        text = format_value(amount, unit) if amount < 0 else "+" + format_value(amount, unit)
        rows.append(_row(label, amount, running, running + amount, kind, text))
        running += amount
    rows.append(_total(closing_label, float(closing) if closing is not None else running, unit))
    return rows


def _total(label, amount, unit):
    return _row(label, amount, 0.0, amount, "Total", format_value(amount, unit))


def _row(step, amount, start, end, kind, label):
    return {
        "step": step,
        "amount": amount,
        "start": start,
        "end": end,
        "top": max(start, end),
        "kind": kind,
        "label": label,
    }
