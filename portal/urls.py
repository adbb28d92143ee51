from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/accounts/", include("accounts.api.urls")),
    path("api/catalog/", include("catalog.api.urls")),
    path("api/v1/", include("catalog.api.lineage_urls")),
    path("api/v1/warehouse/", include("warehouse.reads.urls")),
    path("api/v1/reporting/", include("reporting.urls")),
    path("portal/", include("portal.auditor.urls")),  # auditor portal (issue 8)
    path("customer/", include("portal.customer.urls")),
    path("embed/", include("portal.embeds.urls")),
]
