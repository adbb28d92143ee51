"""Admin of report schedules and their deliveries: display and navigation; writes go through
`reporting.schedules.services`."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.admin_filters import PersonListFilter
from accounts.admin_trail import ReadOnlyMixin
from reporting.dashboards import dashboard
from reporting.models import ReportDelivery, ReportSchedule
from reporting.schedules import services
from reporting.schedules.cadence import cadence_short, cadence_words, next_slot
from reporting.schedules.forms import ReportScheduleForm


class AudienceFilter(admin.SimpleListFilter):
    title = "audience"
    parameter_name = "audience"

    def lookups(self, request, model_admin):
        return [("internal", "Internal (our staff)"), ("customer", "A customer")]

    def queryset(self, request, queryset):
        if self.value() in ("internal", "customer"):
            return queryset.filter(organization__isnull=self.value() == "internal")
        return queryset


class LastDeliveryFilter(admin.SimpleListFilter):
    """By how the latest delivery ended: "Failed" lists the schedules that need their owner."""

    title = "last delivery"
    parameter_name = "last_delivery"

    def lookups(self, request, model_admin):
        return [*ReportDelivery.Status.choices, ("never", "Never sent")]

    def queryset(self, request, queryset):
        if self.value() == "never":
            return queryset.filter(last_status__isnull=True)
        if self.value() in ReportDelivery.Status.values:
            return queryset.filter(last_status=self.value())
        return queryset


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    form = ReportScheduleForm
    # Not "name": the project's stylesheet keeps a name column 16em wide, too wide beside six others.
    list_display = ["schedule_name", "source", "cadence_in_words", "next_run", "last_delivery", "owner_name"]
    list_display_links = ["schedule_name"]
    list_filter = ["cadence", "active", AudienceFilter, LastDeliveryFilter, ("owner", PersonListFilter)]
    list_select_related = ["owner", "report", "organization"]
    search_fields = [
        "name",
        "report__name",
        "dashboard",
        "organization__name",
        "owner__first_name",
        "owner__last_name",
    ]
    actions = ["send_now"]
    fieldsets = [
        (None, {"fields": ["name", "owner", "active"]}),
        ("What", {"fields": ["report", "dashboard", "organization"]}),
        ("When", {"fields": ["cadence", "hour", "weekday", "day_of_month"]}),
        ("To whom", {"fields": ["recipient_users", "recipient_roles", "recipient_addresses"]}),
    ]

    def get_queryset(self, request):
        last = ReportDelivery.objects.filter(schedule=OuterRef("pk")).order_by("-due_at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_status=Subquery(last.values("status")[:1]),
                last_due_at=Subquery(last.values("due_at")[:1]),
            )
        )

    def get_changeform_initial_data(self, request):
        return {"owner": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="Name", ordering="name")
    def schedule_name(self, obj):
        return obj.name

    @admin.display(description="Report or dashboard")
    def source(self, obj):
        if obj.report_id:
            name = obj.report.name
        else:
            page = dashboard(obj.dashboard)
            name = page.title if page else f"{obj.dashboard} (dashboard removed)"
        return f"{name} ({obj.organization.name})" if obj.organization_id else name

    @admin.display(description="Cadence (UTC)", ordering="cadence")
    def cadence_in_words(self, obj):
        return format_html('<span title="{}">{}</span>', cadence_words(obj), cadence_short(obj))

    @admin.display(description="Next run")
    def next_run(self, obj):
        if not obj.active:
            return "— (inactive)"
        return f"{next_slot(obj, timezone.now()):%d %b %Y}"  # the hour is in the cadence

    @admin.display(description="Last delivery", ordering="last_due_at")
    def last_delivery(self, obj):
        if not obj.last_status:
            return "Never sent"
        url = reverse("admin:reporting_reportdelivery_changelist") + f"?schedule__id__exact={obj.pk}"
        label = ReportDelivery.Status(obj.last_status).label
        return format_html('<a href="{}">{} {}</a>', url, label, f"{obj.last_due_at:%d %b %Y}")

    @admin.display(description="Owner", ordering="owner__last_name")
    def owner_name(self, obj):
        return str(obj.owner)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.SCALAR_FIELDS}
        fields["dashboard"] = fields["dashboard"] or ""
        saved = services.schedule_save(
            actor=request.user,
            schedule=obj if change else None,
            recipient_users=form.cleaned_data["recipient_users"],
            recipient_roles=form.cleaned_data["recipient_roles"],
            **fields,
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # recipients were set by the service, with the schedule

    def delete_model(self, request, obj):
        services.schedule_delete(schedule=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for schedule in queryset:
            services.schedule_delete(schedule=schedule, actor=request.user)

    @admin.action(description="Send now", permissions=["change"])
    def send_now(self, request, queryset):
        sent = 0
        for schedule in queryset:
            try:
                services.schedule_run_now(schedule=schedule, actor=request.user)
                sent += 1
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        if sent:
            self.message_user(
                request, f"Sending {sent} schedule(s) now: see their report deliveries.", messages.SUCCESS
            )


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "schedule",
        "due_at",
        "status",
        "attempts",
        "recipient_count",
        "page_count",
        "finished_at",
    ]
    list_filter = ["status", ("schedule__owner", PersonListFilter), "schedule"]
    list_select_related = ["schedule"]
    search_fields = ["schedule__name", "note"]
    date_hierarchy = "due_at"
    fields = [
        "schedule", "due_at", "status", "attempts", "recipient_list", "refused_list", "pdf_checksum",
        "page_count", "warehouse_run", "note", "created_at", "finished_at",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Recipients")
    def recipient_count(self, obj):
        return len(obj.recipients)

    @admin.display(description="PDF SHA-256")
    def pdf_checksum(self, obj):
        return obj.pdf_sha256 or "—"

    @admin.display(description="PDF pages", ordering="pdf_pages")
    def page_count(self, obj):
        return obj.pdf_pages or "—"

    @admin.display(description="Recipients")
    def recipient_list(self, obj):
        return format_html_join(", ", "{}", ((address,) for address in obj.recipients)) or "—"

    @admin.display(description="Refused")
    def refused_list(self, obj):
        items = ((item["recipient"], item["reason"]) for item in obj.refused)
        return format_html_join("", "<div>{}: {}</div>", items) or "—"
