"""Metric values as readers expect them: dollars, percentages, counts, hours, tokens."""

from decimal import Decimal

from django import template

from reporting.links import metric_rows_url

register = template.Library()


@register.filter
def metric_value(value, unit: str) -> str:
    """`{{ point.value|metric_value:metric.unit }}`; an em dash where nothing was measured."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{float(value) * 100:.1f} %"
    if unit == "usd":
        return f"${Decimal(value):,.0f}"
    if unit == "hours":
        return f"{float(value):,.1f} h"
    return f"{value:,}"


@register.filter
def metric_change(change, unit: str) -> str:
    """A Change as +4.5 % (or +1.2 pp for a percentage metric); an em dash without a base."""
    if change is None:
        return "—"
    if unit == "percent":
        return "—" if change.difference is None else f"{float(change.difference) * 100:+.1f} pp"
    return "—" if change.relative is None else f"{change.relative * 100:+.1f} %"


UNIT_LABELS = {
    "usd": "US dollars",
    "percent": "Percent",
    "count": "Count",
    "hours": "Hours",
    "tokens": "Tokens",
}


@register.filter
def unit_label(unit: str) -> str:
    return UNIT_LABELS.get(unit, unit)


@register.filter
def period_label(period, grain: str) -> str:
    """2026-03 for a month, 2026 Q1 for a quarter, 2026 for a year."""
    if grain == "year":
        return f"{period.year}"
    if grain == "quarter":
        return f"{period.year} Q{(period.month - 1) // 3 + 1}"
    return f"{period:%Y-%m}"


@register.simple_tag
def metric_rows_link(name: str, period, grain: str = "month", **where) -> str:
    """`{% metric_rows_link "arr" point.period "quarter" tier="enterprise" %}`: the drill-down URL."""
    return metric_rows_url(name, period, grain, **where)
