"""Read-only list of time-limited grants (who, which scope, which window); managed by services."""

from django.contrib import admin

from accounts.admin_trail import ReadOnlyAdmin
from accounts.models import AccessGrant


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "scope_type", "scope_id", "valid_from", "valid_until", "status", "revoked_at"]
    list_filter = ["scope_type", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "scope_type"]
    search_fields = ["user__username"]
    date_hierarchy = "valid_until"

    def get_queryset(self, request):
        return AccessGrant.objects.visible_to(request.user)
