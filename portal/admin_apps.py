from django.contrib.admin.apps import AdminConfig


class CustodianAdminConfig(AdminConfig):
    """django.contrib.admin with the project's site as `admin.site` (grouped index, role homes)."""

    default_site = "portal.admin_site.CustodianAdminSite"
