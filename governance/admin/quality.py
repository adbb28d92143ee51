"""Data-quality admin: checks, results, scores, SLAs with the monthly report, and the quality
panel and score column added to the catalog's dataset pages (catalog may not import governance,
so governance registers an extended dataset admin in its place)."""

import csv
from datetime import date

from django.contrib import admin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from accounts.admin_trail import ReadOnlyAdmin
from catalog.admin import DatasetAdmin
from catalog.models import Dataset
from governance.charts import history_svg
from governance.models import CheckResult, QualityCheck, QualityScore, QualitySla
from governance.quality.selectors import dataset_quality, latest_result_status, latest_score_total
from governance.quality.sla import layer_summary, sla_report


@admin.register(QualityCheck)
class QualityCheckAdmin(admin.ModelAdmin):
    list_display = ["dataset_name", "column", "check_type", "severity", "source", "enabled", "last_status"]
    list_filter = ["check_type", "severity", "source", "enabled", "dataset__layer"]
    list_select_related = ["dataset"]
    search_fields = ["dataset__name", "column", "description"]
    autocomplete_fields = ["dataset"]
    readonly_fields = ["source", "source_key"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .annotate(latest_status=latest_result_status())
        )

    @admin.display(description="dataset", ordering="dataset__name")
    def dataset_name(self, obj):
        return obj.dataset.name

    @admin.display(description="last result", ordering="latest_status")
    def last_status(self, obj):
        return CheckResult.Status(obj.latest_status).label if obj.latest_status else "not run yet"


@admin.register(CheckResult)
class CheckResultAdmin(ReadOnlyAdmin):
    list_display = [
        "ran_at",
        "quality_check",
        "status",
        "observed",
        "failing_count",
        "rows_checked",
        "job_run",
    ]
    list_filter = [
        "status",
        "quality_check__check_type",
        "quality_check__severity",
        ("ran_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["quality_check__dataset", "job_run"]
    search_fields = ["quality_check__dataset__name", "quality_check__column", "message"]
    date_hierarchy = "ran_at"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(QualitySla)
class QualitySlaAdmin(admin.ModelAdmin):
    list_display = ["dataset", "target_score", "note"]
    list_select_related = ["dataset"]
    search_fields = ["dataset__name", "note"]
    autocomplete_fields = ["dataset"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(QualityScore)
class QualityScoreAdmin(ReadOnlyAdmin):
    list_display = [
        "computed_at",
        "dataset_name",
        "total",
        "completeness",
        "validity",
        "uniqueness",
        "consistency",
        "timeliness",
    ]
    list_filter = ["dataset__layer", ("computed_at", admin.DateFieldListFilter)]
    list_select_related = ["dataset"]
    search_fields = ["dataset__name"]
    date_hierarchy = "computed_at"
    change_list_template = "admin/governance/quality/score_change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description="dataset", ordering="dataset__name")
    def dataset_name(self, obj):
        return obj.dataset.name

    def get_urls(self):
        report = self.admin_site.admin_view(self.sla_report_view)
        return [path("sla-report/", report, name="governance_quality_sla_report"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"sla_report_url": reverse("admin:governance_quality_sla_report")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def sla_report_view(self, request):
        if not self.has_view_permission(request):
            return TemplateResponse(
                request,
                "admin/governance/quality/sla_report.html",
                status=403,
                context={**self.admin_site.each_context(request), "denied": True},
            )
        month = _month(request.GET.get("month"))
        rows = sla_report(month=month, user=request.user)
        if request.GET.get("format") == "csv":
            return _csv(rows, month)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Data-quality SLA report, {month:%B %Y}",
            "opts": self.model._meta,
            "rows": rows,
            "month": month,
            "met": sum(r.met for r in rows),
            "layers": layer_summary(rows),
        }
        return TemplateResponse(request, "admin/governance/quality/sla_report.html", context)


def _month(raw: str | None) -> date:
    """`YYYY-MM`, or the current month when absent or malformed."""
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _csv(rows, month: date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="quality-sla-{month:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "dataset",
            "layer",
            "target",
            "target set by hand",
            "scores",
            "mean",
            "worst",
            "latest",
            "scores below target",
            "met",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.dataset.name,
                r.dataset.get_layer_display(),
                r.target,
                "yes" if r.custom else "no",
                r.scores,
                r.mean,
                r.worst,
                r.latest,
                r.breaches,
                "yes" if r.met else "no",
            ]
        )
    return response


class QualityDatasetAdmin(DatasetAdmin):
    """The catalog's dataset admin with the latest quality score in the list and a quality panel."""

    change_form_template = "admin/governance/quality/dataset_change_form.html"

    def get_list_display(self, request):
        names = list(super().get_list_display(request))
        return [*names[:3], "quality_score", *names[3:]]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(quality_total=latest_score_total())

    @admin.display(description="quality score", ordering="quality_total")
    def quality_score(self, obj):
        return "—" if obj.quality_total is None else f"{obj.quality_total:.0f}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dataset = self.get_object(request, object_id)
        if dataset is not None:
            quality = dataset_quality(dataset=dataset, user=request.user)
            quality["chart"] = history_svg(quality["history"])
            extra_context = {**(extra_context or {}), "quality": quality}
        return super().change_view(request, object_id, form_url, extra_context)


admin.site.unregister(Dataset)
admin.site.register(Dataset, QualityDatasetAdmin)
