"""Downloads of built packages from the sequence admin: a link per build and per sequence row."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from accounts.admin_downloads import download_link, sealed_download_response
from submissions.downloads import package_build_sealed
from submissions.models import PackageBuild


def build_download_url(build_id: int) -> str:
    return reverse("admin:submissions_packagebuild_download", args=[build_id])


class PackageDownloadMixin:
    """For SequenceAdmin: `builds/<id>/download/` and a column with the latest build's zip."""

    def get_queryset(self, request):
        latest = PackageBuild.objects.filter(sequence=OuterRef("pk")).order_by("-built_at", "-pk")
        return super().get_queryset(request).annotate(latest_build_id=Subquery(latest.values("pk")[:1]))

    @admin.display(description="Latest package")
    def latest_package(self, obj):
        build_id = getattr(obj, "latest_build_id", None)
        return download_link(build_download_url(build_id)) if build_id else "Not built"

    def get_urls(self):
        view = self.admin_site.admin_view(self.build_download_view)
        return [
            path("builds/<int:build_id>/download/", view, name="submissions_packagebuild_download"),
            *super().get_urls(),
        ]

    def build_download_view(self, request, build_id):
        if not (self.has_view_permission(request) and request.user.has_perm("submissions.view_packagebuild")):
            raise PermissionDenied
        build = get_object_or_404(PackageBuild.objects.select_related("sequence__application"), pk=build_id)
        back = reverse("admin:submissions_sequence_change", args=[build.sequence_id])
        return sealed_download_response(request, package=package_build_sealed(build), back_url=back)


def build_download(obj) -> str:
    """The inline's column: a link to this build's zip."""
    return download_link(build_download_url(obj.pk)) if obj.pk else ""
