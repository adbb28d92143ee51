from django.contrib import admin

from accounts.admin_trail import ReadOnlyAdmin
from warehouse.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "status", "progress", "rows_written", "started_at", "finished_at"]
    list_filter = ["status", "job", "created_at"]
    search_fields = ["job", "error", "task_id"]
    date_hierarchy = "created_at"
