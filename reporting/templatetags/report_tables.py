"""`{{ section|table }}`: a report section's table for a page, as (headings, rows of (cell, numeric)).

A section broken down by a dimension holds one row per period and segment (the shape CSV and
PDF print); on a page it reads better as one row per period and a column per segment."""

from django import template

register = template.Library()


@register.filter
def table(section) -> tuple[list[str], list[list[tuple[str, bool]]]]:
    keys = [key for key, _ in section.columns]
    if "segment" not in keys:
        headings = [heading for _, heading in section.columns]
        return headings, [[(row.get(key, ""), key == "value") for key in keys] for row in section.rows]
    segments = list(dict.fromkeys(row["segment"] for row in section.rows))
    periods: dict[str, dict[str, str]] = {}
    for row in section.rows:
        periods.setdefault(row["period"], {})[row["segment"]] = row["value"]
    rows = [
        [(period, False), *((values.get(s, "-"), True) for s in segments)]
        for period, values in periods.items()
    ]
    return ["Period", *segments], rows
