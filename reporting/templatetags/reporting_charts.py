"""`{% chart chart %}`: a chart with its numbers and a CSV link; `{{ value|unit_format:"usd" }}`."""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from reporting.charts import format_value

register = template.Library()


@register.inclusion_tag("admin/reporting/_chart.html", takes_context=True)
def chart(context, chart):
    """The SVG (its text escaped by the renderer, its title here), the numbers behind a
    disclosure, and a CSV link; an empty state when there is nothing to draw."""
    headings, rows = chart.display_table()
    measures = chart.measures()
    numeric = [column in measures for column in chart.columns()]
    return {
        "chart": chart,
        # vl-convert escapes the data's text; the title and description are escaped in render.py
        "svg": mark_safe(chart.svg()),  # noqa: S308 # nosec B308 B703
        "headings": list(zip(headings, numeric, strict=True)),
        "rows": [list(zip(row, numeric, strict=True)) for row in rows],
        "csv_url": csv_url(context, chart),
        "csv_filename": f"{chart.id or 'chart'}.csv",
    }


def csv_url(context, chart) -> str:
    """The dashboard's CSV download for a chart with an id (same filters as the page); otherwise
    the CSV itself as a data: URL, so every chart offers one."""
    page = context.get("dashboard")
    if chart.id and page is not None:
        url = reverse("admin:reporting_chart_csv", args=[page.slug, chart.id])
        request = context.get("request")
        query = request.GET.urlencode() if request is not None else ""
        return f"{url}?{query}" if query else url
    return "data:text/csv;charset=utf-8," + quote(chart.csv())


@register.filter
def unit_format(value, unit):
    """`{{ arr|unit_format:"usd" }}` -> "$1.2M" (reporting/charts/formats.py)."""
    return format_value(value, unit)
