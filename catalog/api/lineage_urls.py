"""Mounted at /api/v1/: no trailing slash, because OpenLineage clients post to `api/v1/lineage`."""

from django.urls import path

from catalog.api.lineage import LineageBatchView, LineageView

app_name = "openlineage"
urlpatterns = [
    path("lineage", LineageView.as_view(), name="lineage"),
    path("lineage/batch", LineageBatchView.as_view(), name="lineage_batch"),
]
