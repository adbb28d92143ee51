from django.urls import path

from warehouse.reads.api import QueryView, TableListView

app_name = "warehouse-api"
urlpatterns = [
    path("tables/", TableListView.as_view(), name="tables"),
    path("query/", QueryView.as_view(), name="query"),
]
