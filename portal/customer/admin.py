"""The customer access log in the admin: per organisation, per person, per kind, by date."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from accounts.admin_trail import ReadOnlyAdmin
from accounts.models import Organization
from accounts.people import person_name
from portal.models import CustomerAccess, PortalAccess


class CustomerFilter(admin.SimpleListFilter):
    """People who used the customer portal, by name."""

    title = "person"
    parameter_name = "person"

    def lookups(self, request, model_admin):
        people = get_user_model().objects.filter(pk__in=CustomerAccess.objects.values("user_id"))
        return [
            (user.pk, person_name(user)) for user in people.order_by("first_name", "last_name", "username")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(user_id=value) if value and value.isdigit() else queryset


class OrganizationFilter(admin.SimpleListFilter):
    """Organisations whose pages were asked for, not every organisation."""

    title = "organisation"
    parameter_name = "organization"

    def lookups(self, request, model_admin):
        used = Organization.objects.filter(pk__in=CustomerAccess.objects.values("organization_id"))
        return [(org.pk, org.name) for org in used.order_by("name")]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(organization_id=value) if value and value.isdigit() else queryset


class KindFilter(admin.SimpleListFilter):
    """The kinds a customer request can be (evidence requests are the auditors')."""

    title = "kind"
    parameter_name = "kind"
    KINDS = (PortalAccess.Kind.VIEW, PortalAccess.Kind.DOWNLOAD, PortalAccess.Kind.DENIED)

    def lookups(self, request, model_admin):
        return [(kind.value, kind.label) for kind in self.KINDS]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() in self.KINDS else queryset


@admin.register(CustomerAccess)
class CustomerAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "organization", "user", "kind", "path", "status_code", "ip_address"]
    list_filter = [OrganizationFilter, CustomerFilter, KindFilter, ("at", admin.DateFieldListFilter)]
    list_select_related = ["organization", "user"]
    search_fields = ["path", "detail", "user__username", "user_agent"]
    date_hierarchy = "at"
    exclude = ["engagement", "portal"]

    def has_view_permission(self, request, obj=None):
        # one permission for the whole log: whoever reads the auditors' rows reads these
        return request.user.has_perm("portal.view_portalaccess")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_queryset(self, request):
        return CustomerAccess.objects.visible_to(request.user).select_related("organization", "user")
