"""A separate admin site where Organization is signable and asks for a reason for change, to
test the reusable admin pieces other apps will put on their GxP records."""

from django.contrib import admin
from django.urls import path

from accounts.admin_signatures import SignableAdminMixin, SignaturesInline
from accounts.admin_trail import ReasonForChangeAdminMixin
from accounts.models import Organization

site = admin.AdminSite(name="signing")


@admin.register(Organization, site=site)
class SignableOrganizationAdmin(ReasonForChangeAdminMixin, SignableAdminMixin, admin.ModelAdmin):
    inlines = [SignaturesInline]


urlpatterns = [path("admin/", site.urls)]
