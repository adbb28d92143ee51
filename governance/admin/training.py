"""Courses, curricula per role, training records and the compliance page."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from governance.admin.filters import TrainingOverdueFilter
from governance.models import Course, Curriculum, TrainingRecord
from governance.services.training import curriculum_assign, training_record_save
from governance.training import (
    training_compliance_by_organization,
    training_compliance_by_role,
    training_compliance_overall,
)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "validity_days"]
    search_fields = ["code", "title"]


@admin.register(Curriculum)
class CurriculumAdmin(admin.ModelAdmin):
    list_display = ["role", "course_list", "due_days"]
    list_select_related = ["role"]
    filter_horizontal = ["courses"]
    actions = ["assign"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("courses")

    @admin.display(description="courses")
    def course_list(self, obj):
        return ", ".join(c.code for c in obj.courses.all())

    @admin.action(description="Assign the courses to every member without a current assignment",
                  permissions=["change"])  # fmt: skip
    def assign(self, request, queryset):
        today = timezone.localdate()
        created = sum(curriculum_assign(curriculum=c, day=today, actor=request.user) for c in queryset)
        self.message_user(request, f"{created} training assignment(s) created.", messages.SUCCESS)


class CurrentFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("assigned", "Not completed"), ("current", "Completed, current"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "assigned":
            return queryset.filter(completed_on__isnull=True)
        if self.value() == "current":
            return queryset.filter(completed_on__isnull=False).exclude(expires_on__lt=today)
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        return queryset


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "assigned_on", "due_on", "completed_on", "expires_on", "current"]
    list_filter = [CurrentFilter, TrainingOverdueFilter, "course", "user__groups",
                   ("due_on", admin.DateFieldListFilter)]  # fmt: skip
    search_fields = ["user__username", "user__first_name", "user__last_name", "course__code", "course__title"]
    list_select_related = ["user", "course"]
    autocomplete_fields = ["user", "course"]
    readonly_fields = ["expires_on"]

    def get_queryset(self, request):
        return TrainingRecord.objects.visible_to(request.user).select_related("user", "course")

    def save_model(self, request, obj, form, change):
        training_record_save(record=obj, actor=request.user)

    @admin.display(description="current", boolean=True)
    def current(self, obj):
        return obj.is_current_on(timezone.localdate())

    def changelist_view(self, request, extra_context=None):
        url = reverse("admin:governance_training_compliance") if self._may_see_all(request) else None
        return super().changelist_view(request, {**(extra_context or {}), "compliance_url": url})

    def _may_see_all(self, request):
        return request.user.has_perm("governance.change_trainingrecord")

    def get_urls(self):
        view = self.admin_site.admin_view(self.compliance_view)
        return [path("compliance/", view, name="governance_training_compliance"), *super().get_urls()]

    def compliance_view(self, request):
        if not self._may_see_all(request):
            raise PermissionDenied
        day = timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "title": "Training compliance",
            "opts": self.model._meta,
            "day": day,
            "overall": training_compliance_overall(day=day),
            "by_role": training_compliance_by_role(day=day),
            "by_organization": training_compliance_by_organization(day=day),
        }
        return TemplateResponse(request, "admin/governance/training_compliance.html", context)
