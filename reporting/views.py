"""Dashboard pages inside the admin site (`/admin/dashboards/<slug>/`): thin; each dashboard's
module computes its context, the template lays it out."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from reporting.chart_views import chart_csv_view
from reporting.dashboards import dashboard, dashboards_for
from reporting.metric_views import metric_urls
from warehouse.reads.log import access_log_batch


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
        with access_log_batch():  # the page's reads logged in one INSERT
            context.update(page.context(request, request.GET))
        # a page that refused its parameters still renders, with its message, as a client error
        status = 400 if context.get("bad_request") else 200
        return TemplateResponse(request, page.template, context, status=status)

    return view


def nav_entry(site, user) -> dict | None:
    """The admin index's "Reporting" lines: the dashboards `user` may open, and the metric list."""
    pages = [
        _nav_page(page.title, reverse("admin:reporting_dashboard", args=[page.slug], current_app=site.name))
        for page in dashboards_for(user)
    ]
    if not pages:
        return None
    pages.append(_nav_page("Metrics", reverse("admin:reporting_metric_list", current_app=site.name)))
    return {"name": "Reporting", "app_label": "reporting", "app_url": pages[0]["admin_url"],
            "has_module_perms": True, "models": pages}  # fmt: skip


def _nav_page(name: str, url: str) -> dict:
    return {"name": name, "object_name": name.replace(" ", ""), "admin_url": url, "add_url": None,
            "view_only": True, "perms": {"view": True}}  # fmt: skip
