from django.contrib import admin

from governance.models import Framework


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "urn", "is_builtin"]
    list_filter = ["is_builtin"]
    search_fields = ["name", "urn", "description"]

    def get_readonly_fields(self, request, obj=None):
        return ["urn", "version", "is_builtin"] if obj is not None and obj.is_builtin else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_builtin:
            return False
        return super().has_delete_permission(request, obj)
