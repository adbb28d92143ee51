"""Admin for the auditor access log: per engagement, per auditor, exportable as CSV."""

import csv

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.admin_trail import ReadOnlyAdmin
from accounts.audit import audit_event_record
from accounts.models import AuditEntry
from accounts.people import person_name
from portal.models import PortalAccess

COLUMNS = [
    "at",
    "engagement",
    "user",
    "kind",
    "method",
    "path",
    "status_code",
    "detail",
    "ip_address",
    "user_agent",
]


class _Echo:
    def write(self, value):
        return value


def access_csv_lines(queryset):
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    rows = queryset.select_related("engagement", "user").order_by("at", "pk")
    for row in rows.iterator(chunk_size=2000):
        yield writer.writerow(
            [row.at.isoformat(), row.engagement or "", row.user.username, row.kind, row.method, row.path,
             row.status_code, row.detail, row.ip_address or "", row.user_agent]
        )  # fmt: skip


class AuditorFilter(admin.SimpleListFilter):
    """Auditors who used the portal, not every user of the system."""

    title = "auditor"
    parameter_name = "auditor"

    def lookups(self, request, model_admin):
        used = PortalAccess.objects.filter(portal=PortalAccess.Portal.AUDITOR).values("user_id")
        auditors = get_user_model().objects.filter(pk__in=used)
        auditors = auditors.order_by("first_name", "last_name", "username")
        return [(user.pk, person_name(user)) for user in auditors]

    def queryset(self, request, queryset):
        return queryset.filter(user_id=self.value()) if self.value() else queryset


@admin.register(PortalAccess)
class PortalAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "engagement", "user", "kind", "method", "path", "status_code", "detail"]
    list_filter = ["engagement", AuditorFilter, "kind", ("at", admin.DateFieldListFilter)]
    list_select_related = ["engagement", "user"]
    search_fields = ["path", "detail", "user__username"]
    date_hierarchy = "at"
    actions = ["export_csv"]

    def get_queryset(self, request):
        rows = PortalAccess.objects.visible_to(request.user).filter(portal=PortalAccess.Portal.AUDITOR)
        return rows.select_related("engagement", "user")

    @admin.action(description="Export selected rows as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        audit_event_record(
            action=AuditEntry.Action.EXPORT, obj=request.user, actor=request.user,
            data={"export": "auditor access log", "rows": queryset.count()},
        )  # fmt: skip
        response = StreamingHttpResponse(access_csv_lines(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="auditor-access-{timezone.now():%Y%m%dT%H%M%SZ}.csv"'
        )
        return response
