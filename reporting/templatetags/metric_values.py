"""Metric values as readers expect them: dollars, percentages, counts, hours, tokens."""

from django import template

from reporting.charts.formats import format_value
from reporting.links import metric_rows_url
from reporting.periods import period_label as _period_label

register = template.Library()


@register.filter
def metric_value(value, unit: str) -> str:
    """`{{ point.value|metric_value:metric.unit }}`: in full ("$1,234,567"); a dash if not measured."""
    return format_value(value, unit, compact=False)


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
    """Mar 2026 for a month, 2026 Q1 for a quarter, 2026 for a year."""
    return _period_label(period, grain)


@register.simple_tag
def metric_rows_link(name: str, period, grain: str = "month", **where) -> str:
    """`{% metric_rows_link "arr" point.period "quarter" tier="enterprise" %}`: the drill-down URL."""
    return metric_rows_url(name, period, grain, **where)
