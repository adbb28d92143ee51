"""A dashboard chart's numbers as CSV: `/admin/dashboards/<slug>/charts/<chart_id>.csv?<filters>`.

The view rebuilds the chart the way the page did, from the dashboard module's
`dashboard_charts(request, params) -> dict[chart_id, Chart]` (docs/reporting-charts.md), so the
CSV holds exactly the numbers the page showed for the same filters.
"""

from importlib import import_module

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse

from reporting.dashboards import dashboard, dashboards_for


def chart_csv_view(request, slug, chart_id):
    page = dashboard(slug)
    if page is None:
        raise Http404("No such dashboard.")
    if page not in dashboards_for(request.user):
        raise PermissionDenied
    charts = getattr(import_module(page.module), "dashboard_charts", None)
    chart = charts(request, request.GET).get(chart_id) if charts else None
    if chart is None:
        raise Http404(f"The {page.title.lower()} has no chart {chart_id!r}.")
    response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{chart_id}.csv"'
    return response
