from django.contrib import admin

from governance.models import Framework


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "urn", "is_builtin"]
    list_filter = ["is_builtin"]
    search_fields = ["name", "urn", "description"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_builtin:
            return [f.name for f in obj._meta.concrete_fields if f.name not in obj.EDITABLE_WHEN_BUILTIN]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_builtin:
            return False
        return super().has_delete_permission(request, obj)
