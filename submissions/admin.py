from django.contrib import admin

from submissions.models import Application


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["product", "application_type", "region", "agency_number", "created_at"]
    list_filter = ["application_type", "region"]
    search_fields = ["product", "agency_number"]
