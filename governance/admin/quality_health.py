"""Data health in the admin: freshness SLAs, stale-data incidents, key metrics and their anomalies."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_trail import ReadOnlyAdmin
from governance.models import FreshnessIncident, FreshnessSla, MetricAnomaly, MetricPoint
from governance.quality.anomalies import metric_anomalies_acknowledge


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _moment(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _duration(delta) -> str:
    """A duration people read at a glance: 2 d 3 h, 4 h 10 min, 12 min."""
    minutes = int(delta.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{mins} min" if mins and not days else "",
    ]
    return " ".join(p for p in parts if p) or "under a minute"


@admin.register(FreshnessSla)
class FreshnessSlaAdmin(admin.ModelAdmin):
    list_display = ["dataset", "allowed_age", "note"]
    search_fields = ["dataset__name", "note"]
    list_filter = ["dataset__layer"]
    list_select_related = ["dataset"]
    autocomplete_fields = ["dataset"]

    @admin.display(description="newest data at most", ordering="max_age")
    def allowed_age(self, obj):
        return _duration(obj.max_age)


class IncidentStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open (still stale)"), ("closed", "Closed (fresh again)")]

    def queryset(self, request, queryset):
        if self.value() in ("open", "closed"):
            return queryset.filter(closed_at__isnull=self.value() == "open")
        return queryset


@admin.register(FreshnessIncident)
class FreshnessIncidentAdmin(ReadOnlyAdmin):
    list_display = ["dataset_name", "steward", "opened", "state", "allowed_age", "newest_data"]
    list_filter = [IncidentStateFilter, "dataset__layer", ("opened_at", admin.DateFieldListFilter)]
    search_fields = ["dataset__name", "notified"]
    list_select_related = ["dataset", "dataset__steward"]
    date_hierarchy = "opened_at"

    def get_queryset(self, request):
        return FreshnessIncident.objects.visible_to(request.user).select_related(
            "dataset", "dataset__steward"
        )

    @admin.display(description="dataset", ordering="dataset__name")
    def dataset_name(self, obj):
        return obj.dataset.name

    @admin.display(description="steward")
    def steward(self, obj):
        return _person(obj.dataset.steward) or "data stewards"

    @admin.display(description="state")
    def state(self, obj):
        lasted = _duration((obj.closed_at or timezone.now()) - obj.opened_at)
        return f"Open for {lasted}" if obj.closed_at is None else f"Closed after {lasted}"

    @admin.display(description="allowed age")
    def allowed_age(self, obj):
        source = (
            "by hand"
            if obj.expectation_source.startswith("set by hand")
            else obj.expectation_source.split(" (")[0]
        )
        return f"{_duration(obj.max_age)}, {source}"

    @admin.display(description="opened", ordering="opened_at")
    def opened(self, obj):
        return _moment(obj.opened_at)

    @admin.display(description="newest data", ordering="data_as_of")
    def newest_data(self, obj):
        return _moment(obj.data_as_of) if obj.data_as_of else "never"


@admin.register(MetricPoint)
class MetricPointAdmin(ReadOnlyAdmin):
    list_display = ["day", "metric", "subject", "value_shown"]
    list_filter = ["metric", ("day", admin.DateFieldListFilter)]
    search_fields = ["metric", "subject"]
    date_hierarchy = "day"

    @admin.display(description="value", ordering="value")
    def value_shown(self, obj):
        return _number(obj.value)


class AcknowledgedFilter(admin.SimpleListFilter):
    title = "acknowledged"
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [("no", "Waiting for a steward"), ("yes", "Acknowledged")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(acknowledged_at__isnull=self.value() == "no")
        return queryset


@admin.register(MetricAnomaly)
class MetricAnomalyAdmin(ReadOnlyAdmin):
    list_display = ["day", "series", "value_shown", "expected_shown", "change", "acknowledged"]
    list_filter = [AcknowledgedFilter, "metric", ("day", admin.DateFieldListFilter)]
    search_fields = ["metric", "subject", "note"]
    list_select_related = ["acknowledged_by"]
    date_hierarchy = "day"
    actions = ["acknowledge"]

    def get_queryset(self, request):
        return MetricAnomaly.objects.visible_to(request.user).select_related("acknowledged_by")

    def has_acknowledge_permission(self, request):
        return request.user.has_perm("governance.acknowledge_metricanomaly")

    @admin.display(description="metric", ordering="metric")
    def series(self, obj):
        return f"{obj.metric}: {obj.subject}" if obj.subject else obj.metric

    @admin.display(description="value", ordering="value")
    def value_shown(self, obj):
        return _number(obj.value)

    @admin.display(description="usual")
    def expected_shown(self, obj):
        return _number(obj.expected)

    @admin.display(description="change (robust z)", ordering="score")
    def change(self, obj):
        change = f"{(obj.value - obj.expected) / obj.expected:+.0%}" if obj.expected else "from 0"
        return f"{change} (z {obj.score:+.1f})"

    @admin.display(description="acknowledged")
    def acknowledged(self, obj):
        if obj.acknowledged_at is None:
            return "waiting"
        return format_html(
            '<span title="{}">{}, {}</span>',
            obj.note,
            _person(obj.acknowledged_by),
            _moment(obj.acknowledged_at),
        )

    @admin.action(description="Acknowledge with a note", permissions=["acknowledge"])
    def acknowledge(self, request, queryset):
        """First a page asking for the note; its POST (with `note`) acknowledges each anomaly."""
        note = request.POST.get("note", "")
        if "confirm" in request.POST:
            try:
                done = metric_anomalies_acknowledge(
                    anomaly_ids=[a.pk for a in queryset], note=note, actor=request.user
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, f"{len(done)} anomaly(ies) acknowledged.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Acknowledge metric anomalies",
            "opts": self.model._meta,
            "anomalies": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/governance/metricanomaly/acknowledge.html", context)
