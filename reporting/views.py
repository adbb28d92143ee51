"""Dashboard pages inside the admin site (`/admin/dashboards/<slug>/`): thin; each dashboard's
module computes its context, the template lays it out."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path

from reporting.chart_views import chart_csv_view
from reporting.dashboards import dashboard, dashboards_for
from reporting.metric_views import metric_urls


def admin_urls(site) -> list:
    return [
        path("dashboards/<slug:slug>/", site.admin_view(dashboard_view(site)), name="reporting_dashboard"),
        path(
            "dashboards/<slug:slug>/charts/<slug:chart_id>.csv",
            site.admin_view(chart_csv_view),
            name="reporting_chart_csv",
        ),
        *metric_urls(site),
    ]


def dashboard_view(site):
    def view(request, slug):
        page = dashboard(slug)
        if page is None:
            raise Http404("No such dashboard.")
        if page not in dashboards_for(request.user):
            raise PermissionDenied
        context = {**site.each_context(request), "title": page.title, "dashboard": page}
        context.update(page.context(request, request.GET))
        # a page that refused its parameters still renders, with its message, as a client error
        status = 400 if context.get("bad_request") else 200
        return TemplateResponse(request, page.template, context, status=status)

    return view
