from django.contrib import admin

from submissions.models import SubmissionTemplate, TemplateItem


class ItemInline(admin.TabularInline):
    model = TemplateItem
    fields = ["order", "section", "title", "form_type", "required"]
    extra = 0


@admin.register(SubmissionTemplate)
class SubmissionTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "submission_type", "submission_sub_type", "is_builtin"]
    list_filter = ["region", "is_builtin"]
    search_fields = ["name", "code"]
    readonly_fields = ["is_builtin"]
    inlines = [ItemInline]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_builtin:
            return False
        return super().has_delete_permission(request, obj)
