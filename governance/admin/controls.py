from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from accounts.admin_filters import PersonListFilter
from governance.admin.base import NavigationLookupsMixin, changelist_link
from governance.models import Control, ControlMapping, ControlTest, ControlTestSample, Evidence
from governance.services.controls import (
    control_effectiveness,
    control_save,
    control_test_review,
    control_test_save,
)


class EvidenceDueFilter(admin.SimpleListFilter):
    """By the end of the control's latest accepted evidence: what is due soon or overdue."""

    title = "evidence due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("none", "No evidence"),
            ("expired", "Expired"),
            ("30", "Due within 30 days"),
            ("valid", "Valid"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        return {
            "none": queryset.filter(latest_valid_until__isnull=True),
            "expired": queryset.filter(latest_valid_until__lt=today),
            "30": queryset.filter(
                latest_valid_until__gte=today, latest_valid_until__lte=today + timedelta(days=30)
            ),
            "valid": queryset.filter(latest_valid_until__gte=today),
        }.get(self.value(), queryset)


class ControlMappingInline(admin.TabularInline):
    model = ControlMapping
    extra = 1
    autocomplete_fields = ["criterion"]


@admin.register(Control)
class ControlAdmin(NavigationLookupsMixin, admin.ModelAdmin):
    navigation_lookups = ("mappings__criterion__id__exact",)
    list_display = ["ref", "name", "owner", "organization", "frequency", "automation", "frameworks",
                    "evidence_link", "latest_valid_until"]  # fmt: skip
    list_filter = [
        "frequency",
        "automation",
        "is_active",
        EvidenceDueFilter,
        "mappings__criterion__framework",
        ("owner", PersonListFilter),
    ]
    search_fields = ["ref", "name", "description"]
    list_select_related = ["owner", "organization"]
    autocomplete_fields = ["owner"]
    inlines = [ControlMappingInline]
    readonly_fields = ["effectiveness_last_year"]

    def get_queryset(self, request):
        accepted = Q(evidence__status=Evidence.Status.ACCEPTED)
        mappings = ControlMapping.objects.select_related("criterion__framework")
        return (
            super()
            .get_queryset(request)
            .annotate(latest_valid_until=Max("evidence__valid_until", filter=accepted))
            .prefetch_related(Prefetch("mappings", queryset=mappings))
        )

    def save_model(self, request, obj, form, change):
        control_save(control=obj, actor=request.user)

    @admin.display(description="operating effectiveness, last 12 months")
    def effectiveness_last_year(self, obj):
        if obj.pk is None:
            return "-"
        today = timezone.localdate()
        summary = control_effectiveness(control=obj, start=today - timedelta(days=365), end=today)
        rate = "n/a" if summary["deviation_rate"] is None else f"{summary['deviation_rate']:.0%}"
        return (
            f"{summary['result']}: {summary['tests']} test(s), {summary['sampled']} sampled, "
            f"{summary['exceptions']} exception(s), deviation rate {rate}"
        )

    @admin.display(description="frameworks")
    def frameworks(self, obj):
        return ", ".join(sorted({m.criterion.framework.slug or "" for m in obj.mappings.all()}))

    @admin.display(description="evidence")
    def evidence_link(self, obj):
        return changelist_link("evidence", "evidence →", control__id__exact=obj.pk)

    @admin.display(description="evidence valid until", ordering="latest_valid_until")
    def latest_valid_until(self, obj):
        return obj.latest_valid_until


class SampleInline(admin.TabularInline):
    model = ControlTestSample
    extra = 3


@admin.register(ControlTest)
class ControlTestAdmin(admin.ModelAdmin):
    list_display = ["control", "kind", "period_start", "period_end", "result", "preparer", "reviewer"]
    list_filter = [
        "kind",
        "result",
        "control__mappings__criterion__framework",
        ("reviewer", admin.EmptyFieldListFilter),
    ]
    search_fields = ["control__ref", "control__name", "methodology", "exceptions"]
    list_select_related = ["control", "preparer", "reviewer"]
    autocomplete_fields = ["control"]
    readonly_fields = ["preparer", "reviewer", "reviewed_at"]
    inlines = [SampleInline]
    actions = ["sign_off"]

    def save_model(self, request, obj, form, change):
        control_test_save(test=obj, actor=request.user)

    @admin.action(description="Sign off selected tests as reviewer", permissions=["change"])
    def sign_off(self, request, queryset):
        for test in queryset:
            try:
                control_test_review(test=test, reviewer=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{test}: {' '.join(exc.messages)}", messages.ERROR)
