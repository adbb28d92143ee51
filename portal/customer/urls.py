from django.urls import path, register_converter

from portal.customer import login, views


class FormatConverter:
    regex = "pdf|csv"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "export")

app_name = "customer"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", login.sign_in, name="sign_in"),
    path("sign-out/", login.sign_out, name="sign_out"),
    path("compliance/", views.compliance, name="compliance"),
    path("dashboards/<slug:slug>.<export:fmt>", views.dashboard_download, name="dashboard_download"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:report_id>/", views.report, name="report"),
    path("reports/<int:report_id>.<export:fmt>", views.report_download, name="report_download"),
]
