"""Saved reports in the admin: the list (what each shows, who owns it, with whom it is shared),
the builder in place of the change form (`admin_builder`), CSV and PDF exports. Every page reads
through `reporting.reports.saved.visible_to`; writes go through `reporting.reports.services`."""

from django.contrib import admin
from django.http import Http404
from django.urls import path

from accounts.admin_filters import PersonListFilter
from accounts.people import person_name
from reporting import admin_builder
from reporting.metric_layer import metric_layer
from reporting.models import SavedReport
from reporting.reports.build import dimension_label
from reporting.reports.saved import can_change, saved_report_get, saved_report_list
from reporting.reports.services import saved_report_delete


def metric_labels(names) -> str:
    metrics = metric_layer().metrics
    return ", ".join(metrics[n].label if n in metrics else f"{n} (removed)" for n in names or [])


class SharedRoleFilter(admin.RelatedOnlyFieldListFilter):
    """The roles reports are shared with; the empty choice reads as what it means."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = "shared with role"
        self.empty_value_display = "Not shared with a role"


@admin.register(SavedReport)
class SavedReportAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "metric_list",
        "breakdown",
        "period_shown",
        "owner_name",
        "shared_with",
        "last_changed",
    ]
    list_filter = [
        ("owner", PersonListFilter),
        "grain",
        "period",
        ("shared_with_roles", SharedRoleFilter),
    ]
    search_fields = ["name", "description", "owner__first_name", "owner__last_name"]
    list_select_related = ["owner"]
    actions = None  # deletion goes one by one through the service

    def get_queryset(self, request):
        return saved_report_list(request.user)

    # --- columns -------------------------------------------------------------------------------
    @admin.display(description="metrics")
    def metric_list(self, obj):
        return metric_labels(obj.metrics)

    @admin.display(description="by", ordering="dimension")
    def breakdown(self, obj):
        return dimension_label(obj.dimension) if obj.dimension else "-"

    @admin.display(description="period", ordering="period")
    def period_shown(self, obj):
        if obj.period == SavedReport.Period.CUSTOM and obj.start and obj.end:
            return f"{obj.start:%b %Y} to {obj.end:%b %Y}, {obj.get_grain_display().lower()}"
        return f"{obj.get_period_display()}, {obj.get_grain_display().lower()}"

    @admin.display(description="owner", ordering="owner__last_name")
    def owner_name(self, obj):
        return person_name(obj.owner)

    @admin.display(description="shared with")
    def shared_with(self, obj):
        names = [g.name for g in obj.shared_with_roles.all()]
        names += [o.name for o in obj.shared_with_organizations.all()]
        return ", ".join(names) or "Only the owner"

    @admin.display(description="last changed", ordering="updated_at")
    def last_changed(self, obj):
        return f"{obj.updated_at:%d %b %Y %H:%M}"

    # --- pages ---------------------------------------------------------------------------------
    def get_urls(self):
        def export(kind):
            def view(request, object_id):
                return admin_builder.export_view(self, request, object_id, kind)

            return self.admin_site.admin_view(view)

        return [
            path("<int:object_id>/export.csv", export("csv"), name="reporting_savedreport_export_csv"),
            path("<int:object_id>/export.pdf", export("pdf"), name="reporting_savedreport_export_pdf"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return admin_builder.builder_view(self, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404("No such report.")
        return admin_builder.builder_view(self, request, int(object_id))

    def delete_view(self, request, object_id, extra_context=None):
        if str(object_id).isdigit():
            saved_report_get(request.user, int(object_id))  # 404 for ids the user cannot see
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if str(object_id).isdigit():
            saved_report_get(request.user, int(object_id))
        return super().history_view(request, object_id, extra_context)

    # --- permissions: the owner changes and deletes; those it is shared with open it ------------
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_change(request.user, obj))

    def delete_model(self, request, obj):
        # the admin has already refused while a schedule (PROTECT) still delivers the report
        saved_report_delete(report=obj, actor=request.user)
