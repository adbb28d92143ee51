"""The project's admin site: the index grouped by what people do, a home page per role, and
ids beyond 64 bits refused before they reach the database (`portal.admin_bounds`)."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from portal.admin_bounds import BoundedIdsAdminSiteMixin
from portal.navigation import nav_app_list
from portal.work import ROLE_HOMES, role_homes_for
from reporting import views as reporting_views
from reporting.dashboards import dashboards_for
from reporting.landing import landing_url, role_dashboard
from warehouse.reads import views as warehouse_reads


class CustodianAdminSite(BoundedIdsAdminSiteMixin, admin.AdminSite):
    site_header = "Custodian"
    site_title = "Custodian"
    index_title = "Governance, data and regulatory reporting"
    index_template = "admin/custodian_index.html"

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:  # one app's own page keeps Django's layout
            return app_list
        app_list = [*app_list, warehouse_reads.nav_entry(self)]  # a page, not a model: what the user may read
        if reporting := reporting_views.nav_entry(self, request.user):  # the dashboards the user may open
            app_list.append(reporting)
        return nav_app_list(app_list, reverse("admin:index", current_app=self.name))

    def index(self, request, extra_context=None):
        extra = {
            "role_homes": role_homes_for(request.user),
            "dashboards": dashboards_for(request.user),
            **(extra_context or {}),
        }
        return super().index(request, extra)

    def login(self, request, extra_context=None):
        # Without an explicit ?next=, signing in leads to the person's dashboard (reporting/landing.py).
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            extra_context = {
                REDIRECT_FIELD_NAME: reverse("admin:landing", current_app=self.name),
                **(extra_context or {}),
            }
        return super().login(request, extra_context)

    def landing_view(self, request):
        return HttpResponseRedirect(landing_url(request.user))

    def get_urls(self):
        home = path("home/<slug:slug>/", self.admin_view(self.role_home_view), name="role_home")
        return [
            path("home/", self.admin_view(self.landing_view), name="landing"),
            home,
            *warehouse_reads.admin_urls(self),
            *reporting_views.admin_urls(self),
            *super().get_urls(),
        ]

    def role_home_view(self, request, slug):
        home = next((h for h in ROLE_HOMES if h.slug == slug), None)
        if home is None:
            raise Http404("No such role home.")
        if home not in role_homes_for(request.user):
            raise PermissionDenied
        today = timezone.localdate()
        panels = [(panel, panel.rows(request.user, today)) for panel in home.panels]
        context = {
            **self.each_context(request),
            "title": f"{home.role}: your work",
            "home": home,
            "dashboard": role_dashboard(home.role),
            "panels": panels,
            "today": today,
        }
        return TemplateResponse(request, "admin/role_home.html", context)
