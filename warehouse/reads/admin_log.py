"""Read-only admin of the warehouse access log, its PHI counts and daily digests; the log's
filtered list downloads as CSV (the export itself is recorded in the audit trail)."""

import csv
import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.admin_filters import PersonListFilter
from accounts.admin_trail import ReadOnlyAdmin
from accounts.audit import audit_event_record
from accounts.extracts import csv_safe
from accounts.models import AuditEntry
from accounts.people import person_name
from warehouse.reads.models import AccessLog, AccessLogDigest, PhiColumnDailyAccess

CSV_COLUMNS = [
    "at_utc",
    "username",
    "reader",
    "roles",
    "purpose",
    "outcome",
    "message",
    "datasets",
    "columns",
    "masked_columns",
    "row_filter",
    "row_count",
    "duration_ms",
    "engine",
    "query_digest",
    "request_id",
    "job",
]


class _Line:
    """A file-like object whose write() hands back the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def access_log_csv_lines(queryset):
    """The rows as CSV lines, read in chunks (constant memory), cells safe for spreadsheets."""
    writer = csv.writer(_Line(), lineterminator="\n")
    yield "\ufeff"  # UTF-8 byte order mark: spreadsheet programs then read the accents right
    yield writer.writerow(CSV_COLUMNS)
    for row in queryset.select_related("user").iterator(chunk_size=2000):
        cells = [
            row.at.isoformat(),
            row.user.username,
            person_name(row.user),
            ", ".join(row.roles),
            row.get_purpose_display(),
            row.get_outcome_display(),
            row.message,
            ", ".join(row.datasets),
            json.dumps(row.columns),
            ", ".join(row.masked_columns),
            row.row_filter,
            row.row_count,
            row.duration_ms,
            row.engine,
            row.query_digest,
            row.request_id,
            row.job,
        ]
        yield writer.writerow([csv_safe(cell) for cell in cells])


def _split(names):
    return (name.partition(".") for name in names)


def _listed(values, limit=3) -> str:
    shown = ", ".join(values[:limit])
    return f"{shown} (+{len(values) - limit})" if len(values) > limit else (shown or "-")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = [
        "when",
        "reader",
        "purpose",
        "outcome",
        "tables",
        "masked",
        "rows",
        "duration",
    ]
    list_filter = ["outcome", "purpose", ("user", PersonListFilter)]
    list_select_related = ["user"]
    search_fields = [
        "datasets",
        "columns",
        "masked_columns",
        "user__username",
        "user__first_name",
        "user__last_name",
        "job",
        "request_id",
    ]
    date_hierarchy = "at"
    show_full_result_count = False  # no second COUNT(*) over a log that only grows
    change_list_template = "admin/warehouse_reads/accesslog/change_list.html"

    @admin.display(description="at (UTC)", ordering="at")
    def when(self, obj):
        return f"{obj.at:%Y-%m-%d %H:%M:%S}"

    @admin.display(description="reader and roles", ordering="user__last_name")
    def reader(self, obj):
        return format_html('{}<div class="help">{}</div>', person_name(obj.user), ", ".join(obj.roles) or "-")

    @admin.display(description="datasets")
    def tables(self, obj):
        # A line may break after the schema ("marts." / "mart_revenue_monthly"), not inside a word.
        split = ((f"{schema}." if table else schema, table) for schema, _, table in _split(obj.datasets[:3]))
        more = len(obj.datasets) - 3
        shown = format_html_join(", ", "{}<wbr>{}", split) or "-"
        return format_html("{} (+{})", shown, more) if more > 0 else shown

    @admin.display(description="masked")
    def masked(self, obj):
        # The table is in the datasets column; the column name alone keeps the cell short.
        return _listed([name.rsplit(".", 1)[-1] for name in obj.masked_columns], limit=2)

    @admin.display(description="rows", ordering="row_count")
    def rows(self, obj):
        return "-" if obj.row_count is None else obj.row_count

    @admin.display(description="time", ordering="duration_ms")
    def duration(self, obj):
        return f"{obj.duration_ms} ms"

    def get_urls(self):
        view = self.admin_site.admin_view(self.export_view)
        return [path("export/", view, name="warehouse_reads_accesslog_export"), *super().get_urls()]

    def export_view(self, request):
        """The list as filtered and searched on the page (same query string), every page of it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        audit_event_record(
            action=AuditEntry.Action.EXPORT,
            obj=request.user,
            actor=request.user,
            data={"export": "warehouse access log", "filter": request.GET.urlencode()},
        )
        response = StreamingHttpResponse(
            access_log_csv_lines(queryset), content_type="text/csv; charset=utf-8"
        )
        name = f"warehouse-access-log-{timezone.now():%Y%m%dT%H%M%SZ}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@admin.register(PhiColumnDailyAccess)
class PhiColumnDailyAccessAdmin(ReadOnlyAdmin):
    list_display = ["day", "reader", "column", "reads", "reads_in_clear", "rows"]
    list_filter = [("user", PersonListFilter)]
    list_select_related = ["user", "column__dataset"]
    search_fields = ["column__name", "column__dataset__name", "user__username", "user__last_name"]
    date_hierarchy = "day"
    show_full_result_count = False

    @admin.display(description="reader", ordering="user__last_name")
    def reader(self, obj):
        return person_name(obj.user)


@admin.register(AccessLogDigest)
class AccessLogDigestAdmin(ReadOnlyAdmin):
    list_display = ["day", "rows", "first_id", "last_id", "digest_start", "created_at"]
    date_hierarchy = "day"

    @admin.display(description="digest")
    def digest_start(self, obj):
        return f"{obj.digest[:16]}…"
