from django.contrib import admin

from catalog.models import System


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "storage_region", "owner"]
    list_filter = ["kind", "storage_region"]
    list_select_related = ["owner"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["owner"]
