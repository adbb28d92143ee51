from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api.views import MeView, OrganizationViewSet

app_name = "accounts-api"
router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
