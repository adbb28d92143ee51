from pathlib import Path

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path
from django.utils.html import format_html

from accounts.audit import audit_event_record
from accounts.models import AuditEntry
from submissions.models import EvidencePackage


@admin.register(EvidencePackage)
class EvidencePackageAdmin(admin.ModelAdmin):
    """Assembled by `manage.py submissions_evidence_package`; listed and downloaded here."""

    list_display = ["title", "purpose", "application", "file_count", "created_by", "created_at", "download"]
    list_filter = ["purpose", "created_at"]
    list_select_related = ["application", "created_by"]
    search_fields = ["title", "manifest_sha256"]
    readonly_fields = [
        "title",
        "purpose",
        "application",
        "path",
        "manifest_sha256",
        "file_count",
        "contents",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Zip")
    def download(self, obj):
        return format_html('<a href="{}/download/">download</a>', obj.pk)

    def get_urls(self):
        view = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/", view, name="submissions_evidencepackage_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        package = EvidencePackage.objects.filter(pk=pk).first()
        if package is None or not Path(package.path).is_file():
            raise Http404("No such package, or its zip is no longer where it was written.")
        audit_event_record(
            action=AuditEntry.Action.EXPORT, obj=package, actor=request.user, data={"download": package.path}
        )
        return FileResponse(open(package.path, "rb"), as_attachment=True, filename=Path(package.path).name)
