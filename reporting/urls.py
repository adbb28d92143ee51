from django.urls import path

from reporting import api, api_reports

app_name = "reporting-api"

urlpatterns = [
    path("metrics/", api.MetricListView.as_view(), name="metric-list"),
    path("metrics/<slug:name>/", api.MetricDetailView.as_view(), name="metric-detail"),
    path("metrics/<slug:name>/series/", api.MetricSeriesView.as_view(), name="metric-series"),
    path("dashboards/", api.DashboardListView.as_view(), name="dashboard-list"),
    path("reports/", api_reports.SavedReportListView.as_view(), name="report-list"),
    path("reports/<int:pk>/export.csv", api_reports.SavedReportCsvView.as_view(), name="report-export-csv"),
]
