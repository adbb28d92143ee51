from django.contrib import admin

from reporting.models import Dashboard


@admin.register(Dashboard)
class DashboardAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "slug"]
    list_filter = ["audience"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
