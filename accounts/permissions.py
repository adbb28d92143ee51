from django.conf import settings
from rest_framework.permissions import BasePermission, DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Django model permissions for every method, reads included (DRF lets GET through)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class ApiDocsAccess(BasePermission):
    """The OpenAPI schema and its browsable docs: for signed-in users (session or token) when
    `API_DOCS_REQUIRE_SIGN_IN` is on (the production default), for anyone otherwise.
    """

    def has_permission(self, request, view):
        return not settings.API_DOCS_REQUIRE_SIGN_IN or bool(request.user and request.user.is_authenticated)
