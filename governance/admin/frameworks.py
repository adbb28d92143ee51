from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from governance.admin.base import BuiltinAdminMixin, changelist_link
from governance.models import Criterion, Framework


@admin.register(Framework)
class FrameworkAdmin(BuiltinAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "version",
        "slug",
        "criteria_link",
        "readiness_link",
        "file_version",
        "is_builtin",
    ]
    list_filter = ["is_builtin"]
    search_fields = ["name", "urn", "slug", "description"]

    def get_queryset(self, request):
        assessable = Q(criteria__is_assessable=True, criteria__is_retired=False)
        return super().get_queryset(request).annotate(criteria_count=Count("criteria", filter=assessable))

    @admin.display(description="criteria", ordering="criteria_count")
    def criteria_link(self, obj):
        return changelist_link("criterion", f"{obj.criteria_count} criteria →", framework__id__exact=obj.pk)

    @admin.display(description="readiness")
    def readiness_link(self, obj):
        return format_html(
            '<a href="{}">readiness →</a>', reverse("admin:governance_readiness", args=[obj.pk])
        )


@admin.register(Criterion)
class CriterionAdmin(BuiltinAdminMixin, admin.ModelAdmin):
    list_display = ["ref", "title", "framework", "group", "kind", "is_applicable", "weight", "controls_link"]
    list_filter = ["framework", "kind", "is_applicable", "is_assessable", "is_retired", "group"]
    search_fields = ["ref", "title", "urn"]
    list_select_related = ["framework"]
    ordering = ["framework", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(control_count=Count("mappings"))

    def has_add_permission(self, request):
        return False  # criteria come from the framework files

    @admin.display(description="mapped controls", ordering="control_count")
    def controls_link(self, obj):
        return changelist_link("control", f"{obj.control_count} →", mappings__criterion__id__exact=obj.pk)
