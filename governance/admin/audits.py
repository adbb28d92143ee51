"""Audits with their tasks and findings, the timeline, findings and deviations."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.admin_filters import PersonListFilter
from governance.admin.base import changelist_link
from governance.admin.filters import DeviationOverdueFilter, OverdueFilter, TaskOverdueFilter
from governance.models import Audit, AuditTask, Capa, Deviation, Finding
from governance.services.audits import audit_save, audit_task_save, deviation_save, finding_save
from governance.timeline import audit_timeline


class AuditTaskInline(admin.TabularInline):
    model = AuditTask
    fields = ["title", "owner", "due_date", "status", "completed_on"]
    readonly_fields = ["completed_on"]
    autocomplete_fields = ["owner"]
    extra = 1
    can_delete = False


class AuditFindingInline(admin.TabularInline):
    """The audit's findings with their remediation status (CAPA), read-only here."""

    model = Finding
    fields = ["finding_link", "severity", "status", "due_date", "owner", "remediation"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner").prefetch_related("capas")

    @admin.display(description="finding")
    def finding_link(self, obj):
        url = reverse("admin:governance_finding_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj)

    @admin.display(description="remediation (CAPA)")
    def remediation(self, obj):
        capas = obj.capas.all()
        if not capas:
            return "No CAPA"
        return format_html_join(", ", "{} — {}", ((c.ref, c.get_status_display()) for c in capas))


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "auditor_firm", "planned_start", "planned_end", "actual_end", "status",
                    "framework_list", "findings_column", "overdue_tasks"]  # fmt: skip
    list_filter = ["status", "kind", "frameworks", ("planned_start", admin.DateFieldListFilter)]
    search_fields = ["title", "auditor_firm", "scope"]
    list_select_related = ["organization", "lead"]
    autocomplete_fields = ["lead"]
    filter_horizontal = ["frameworks"]
    date_hierarchy = "planned_start"
    inlines = [AuditTaskInline, AuditFindingInline]

    def get_queryset(self, request):
        today = timezone.localdate()
        overdue = Q(tasks__status=AuditTask.Status.OPEN, tasks__due_date__lt=today)
        return (
            super().get_queryset(request)
            .annotate(
                n_findings=Count("findings", distinct=True),
                n_open_findings=Count("findings", filter=Q(findings__closed_on__isnull=True), distinct=True),
                n_overdue_tasks=Count("tasks", filter=overdue, distinct=True),
            )
            .prefetch_related("frameworks")
        )  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        extra = {"timeline_url": reverse("admin:governance_audit_timeline")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def save_model(self, request, obj, form, change):
        audit_save(audit=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AuditTask:
            return super().save_formset(request, form, formset, change)
        for task in formset.save(commit=False):
            audit_task_save(task=task, actor=request.user)

    @admin.display(description="frameworks")
    def framework_list(self, obj):
        return ", ".join(f.slug or f.name for f in obj.frameworks.all())

    @admin.display(description="findings (open / all)", ordering="n_open_findings")
    def findings_column(self, obj):
        return changelist_link(
            "finding", f"{obj.n_open_findings} / {obj.n_findings}", audit__id__exact=obj.pk
        )

    @admin.display(description="overdue tasks", ordering="n_overdue_tasks")
    def overdue_tasks(self, obj):
        return obj.n_overdue_tasks or "-"

    def get_urls(self):
        view = self.admin_site.admin_view(self.timeline_view)
        return [path("timeline/", view, name="governance_audit_timeline"), *super().get_urls()]

    def timeline_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        history = request.GET.get("history") == "1"
        context = {
            **self.admin_site.each_context(request),
            **audit_timeline(user=request.user, today=timezone.localdate(), include_history=history),
            "title": "Audit timeline",
            "opts": self.model._meta,
            "history": history,
        }
        return TemplateResponse(request, "admin/governance/audit_timeline.html", context)


@admin.register(AuditTask)
class AuditTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "audit", "owner", "due_date", "status", "completed_on"]
    list_filter = [
        "status",
        TaskOverdueFilter,
        ("due_date", admin.DateFieldListFilter),
        ("owner", PersonListFilter),
    ]
    search_fields = ["title", "audit__title"]
    list_select_related = ["audit", "owner"]
    autocomplete_fields = ["audit", "owner"]
    readonly_fields = ["completed_on"]

    def save_model(self, request, obj, form, change):
        audit_task_save(task=obj, actor=request.user)


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["ref", "title", "severity", "source", "audit", "owner", "due_date", "status", "overdue",
                    "capa_column"]  # fmt: skip
    list_filter = ["status", "severity", "source", OverdueFilter, ("due_date", admin.DateFieldListFilter),
                   ("owner", PersonListFilter), "criteria__framework"]  # fmt: skip
    search_fields = ["ref", "title", "description", "source_reference"]
    list_select_related = ["audit", "owner"]
    autocomplete_fields = ["audit", "owner", "criteria", "controls"]
    readonly_fields = ["closed_on", "flagged_overdue_on"]

    def get_queryset(self, request):
        capas = Capa.objects.only("pk", "ref", "status", "finding_id")
        return super().get_queryset(request).prefetch_related(Prefetch("capas", queryset=capas))

    def save_model(self, request, obj, form, change):
        finding_save(finding=obj, actor=request.user)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    @admin.display(description="CAPA")
    def capa_column(self, obj):
        return ", ".join(f"{c.ref} ({c.status})" for c in obj.capas.all()) or "-"


@admin.register(Deviation)
class DeviationAdmin(admin.ModelAdmin):
    list_display = [
        "ref",
        "title",
        "kind",
        "occurred_on",
        "due_date",
        "overdue",
        "owner",
        "impact",
        "status",
        "capa",
    ]
    list_filter = [
        "status",
        DeviationOverdueFilter,
        "kind",
        "impact",
        ("owner", PersonListFilter),
        ("occurred_on", admin.DateFieldListFilter),
        ("due_date", admin.DateFieldListFilter),
    ]
    search_fields = ["ref", "title", "description", "impact_assessment"]
    list_select_related = ["owner", "capa"]
    autocomplete_fields = ["owner", "capa"]

    def save_model(self, request, obj, form, change):
        deviation_save(deviation=obj, actor=request.user)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue
