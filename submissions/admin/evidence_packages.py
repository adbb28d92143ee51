from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from accounts.admin_downloads import download_link, sealed_download_response
from submissions.downloads import evidence_package_sealed
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
        "download",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Zip")
    def download(self, obj):
        return (
            download_link(reverse("admin:submissions_evidencepackage_download", args=[obj.pk]))
            if obj.pk
            else ""
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/", view, name="submissions_evidencepackage_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        package = get_object_or_404(self.get_queryset(request), pk=pk)
        back = reverse("admin:submissions_evidencepackage_change", args=[pk])
        return sealed_download_response(request, package=evidence_package_sealed(package), back_url=back)
