"""Admin of CDC: sources with their health at a glance, schema versions and events read-only."""

import psycopg2
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_trail import ReadOnlyAdmin
from warehouse.cdc.models import CdcEvent, CdcSchemaVersion, CdcSource
from warehouse.cdc.services import cdc_source_configure, cdc_source_measure, cdc_source_poll
from warehouse.cdc.source_setup import SetupError, int_to_lsn

STATE_FIELDS = ["snapshot_lsn", "snapshot_at", "confirmed_position", "changes_total", "batches_total",
                "last_batch_at", "throughput", "heartbeat_at", "lag_bytes", "retained_bytes", "lag_seconds",
                "lag_checked_at", "alerting", "errors_total", "last_error", "last_error_at"]  # fmt: skip


def _size(value) -> str:
    if value is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if abs(value) < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return str(value)


def _age(moment) -> str:
    if moment is None:
        return "never"
    seconds = int((timezone.now() - moment).total_seconds())
    return f"{seconds} s ago" if seconds < 120 else f"{seconds // 60} min ago"


@admin.register(CdcSource)
class CdcSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "mode", "health", "lag", "retained", "lag_behind", "confirmed_position",
                    "throughput_rate", "changes_total", "errors_total", "heartbeat"]  # fmt: skip
    list_filter = ["mode", "alerting"]
    search_fields = ["name", "dsn", "last_error"]
    readonly_fields = STATE_FIELDS
    fields = ["name", "dsn", "tables", "mode", "batch_rows", "batch_seconds", "lag_alert_bytes",
              "lag_alert_seconds", *STATE_FIELDS]  # fmt: skip
    actions = ["measure_now", "poll_now"]

    @admin.display(description="Health", ordering="alerting")
    def health(self, obj):
        if obj.alerting:
            return format_html('<strong style="color:#b00">{}</strong>', "ALERT")
        if obj.last_error_at and (obj.last_batch_at is None or obj.last_error_at > obj.last_batch_at):
            return format_html('<span style="color:#b60">{}</span>', "error")
        return "ok"

    @admin.display(description="Lag", ordering="lag_bytes")
    def lag(self, obj):
        return _size(obj.lag_bytes)

    @admin.display(description="WAL retained", ordering="retained_bytes")
    def retained(self, obj):
        return _size(obj.retained_bytes)

    @admin.display(description="Behind", ordering="lag_seconds")
    def lag_behind(self, obj):
        return "—" if obj.lag_seconds is None else f"{obj.lag_seconds:,.0f} s"

    @admin.display(description="Confirmed LSN", ordering="confirmed_lsn")
    def confirmed_position(self, obj):
        return int_to_lsn(obj.confirmed_lsn)

    @admin.display(description="Changes/s (last batch)", ordering="throughput")
    def throughput_rate(self, obj):
        return f"{obj.throughput:,.0f}"

    @admin.display(description="Heartbeat", ordering="heartbeat_at")
    def heartbeat(self, obj):
        return _age(obj.heartbeat_at)

    def get_readonly_fields(self, request, obj=None):
        return [*STATE_FIELDS, "name"] if obj else STATE_FIELDS

    def save_model(self, request, obj, form, change):
        # Through the service (validation, permissions); the admin only collects the fields.
        data = {f: form.cleaned_data[f] for f in form.changed_data if f not in ("name", "dsn", "tables")}
        saved = cdc_source_configure(
            name=obj.name, dsn=obj.dsn, tables=obj.tables, actor=request.user, **data
        )
        obj.pk = saved.pk

    @admin.action(description="Measure lag now", permissions=["operate"])
    def measure_now(self, request, queryset):
        for source in queryset:
            cdc_source_measure(source=source, actor=request.user)
        self.message_user(request, f"Measured {queryset.count()} source(s).", messages.SUCCESS)

    @admin.action(description="Poll now (polling-mode sources)", permissions=["operate"])
    def poll_now(self, request, queryset):
        for source in queryset.filter(mode=CdcSource.Mode.POLL):
            try:
                counts = cdc_source_poll(source=source, actor=request.user)
            except (SetupError, PermissionDenied, psycopg2.Error) as exc:  # shown to the operator, not a 500
                self.message_user(request, f"{source}: {exc}", messages.ERROR)
                continue
            self.message_user(
                request, f"{source}: {sum(counts.values())} change(s) captured.", messages.SUCCESS
            )

    def has_operate_permission(self, request):
        return request.user.has_perm("warehouse.operate_cdcsource")


@admin.register(CdcSchemaVersion)
class CdcSchemaVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "table",
        "version",
        "source",
        "source_table",
        "change_summary",
        "first_position",
        "detected_at",
    ]
    list_filter = ["source", "table"]
    list_select_related = ["source"]
    search_fields = ["table", "source_table"]

    @admin.display(description="Changes")
    def change_summary(self, obj):
        return ", ".join(f"{k}: {v}" for k, v in obj.changes.items()) or "—"

    @admin.display(description="First LSN", ordering="first_lsn")
    def first_position(self, obj):
        return int_to_lsn(obj.first_lsn)


@admin.register(CdcEvent)
class CdcEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "source", "kind", "message"]
    list_filter = ["kind", "source", "created_at"]
    list_select_related = ["source"]
    search_fields = ["message"]
    date_hierarchy = "created_at"
