"""`{{ section|cells }}`: a report section's rows as lists of cells in the order of its columns."""

from django import template

register = template.Library()


@register.filter
def cells(section) -> list[list]:
    keys = [key for key, _ in section.columns]
    return [[(row.get(key, ""), key == "value") for key in keys] for row in section.rows]
