"""A separate admin site where Organization is signable, to test the reusable signing pieces."""

from django.contrib import admin
from django.urls import path

from accounts.admin_signatures import SignableAdminMixin, SignaturesInline
from accounts.models import Organization

site = admin.AdminSite(name="signing")


@admin.register(Organization, site=site)
class SignableOrganizationAdmin(SignableAdminMixin, admin.ModelAdmin):
    inlines = [SignaturesInline]


urlpatterns = [path("admin/", site.urls)]
