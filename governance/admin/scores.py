from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_downloads import download_link, sealed_download_response
from accounts.admin_trail import ReadOnlyAdmin
from accounts.models import Organization
from governance import signing
from governance.charts import STATUS_COLOURS, history_svg
from governance.gaps import evidence_gaps
from governance.models import Framework, ReadinessScore, Snapshot
from governance.readiness import STATUS_LABELS, readiness_compute, readiness_overall
from governance.sealed import snapshot_sealed_package
from governance.verification import snapshot_verify


@admin.register(ReadinessScore)
class ReadinessScoreAdmin(ReadOnlyAdmin):
    list_display = ["day", "framework_link", "organization", "score"]
    list_filter = ["framework", "organization", ("day", admin.DateFieldListFilter)]
    list_select_related = ["framework", "organization"]
    date_hierarchy = "day"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("framework/<int:framework_id>/", wrap(self.readiness_view), name="governance_readiness"),
            path("overview/", wrap(self.overview_view), name="governance_readiness_overview"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"subtitle": None, "overview_url": reverse("admin:governance_readiness_overview")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def _organization(self, request):
        """The organisation to score for (?organization=<id>), or None for company-wide."""
        raw = request.GET.get("organization")
        if not raw:
            return None
        if not raw.isdigit():
            raise Http404("Unknown organisation.")
        return get_object_or_404(Organization.objects.visible_to(request.user), pk=int(raw))

    def _context(self, request, title):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "organizations": Organization.objects.visible_to(request.user).order_by("name"),
        }

    def overview_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        organization, today = self._organization(request), timezone.localdate()
        results = [
            readiness_compute(framework=f, day=today, organization=organization)
            for f in Framework.objects.visible_to(request.user).filter(criteria__isnull=False).distinct()
        ]
        context = {
            **self._context(request, "Readiness overview"),
            "organization": organization,
            "results": results,
            "overall": readiness_overall(results),
        }
        return TemplateResponse(request, "admin/governance/readiness_overview.html", context)

    @admin.display(description="framework")
    def framework_link(self, obj):
        if obj.framework is None:
            return "overall"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:governance_readiness", args=[obj.framework_id]),
            obj.framework,
        )

    def readiness_view(self, request, framework_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        framework = get_object_or_404(Framework.objects.visible_to(request.user), pk=framework_id)
        organization, today = self._organization(request), timezone.localdate()
        result = readiness_compute(framework=framework, day=today, organization=organization)
        history = ReadinessScore.objects.filter(framework=framework, organization=organization).order_by(
            "day"
        )
        cells = [(c, STATUS_COLOURS[c.status]) for c in result.criteria]
        context = {
            **self._context(request, f"Readiness: {framework}"),
            "organization": organization,
            "framework": framework,
            "result": result,
            "chart": history_svg([(h.day, h.score) for h in history.only("day", "score")[:400]]),
            "cells": cells,
            "legend": [(STATUS_LABELS[status], colour) for status, colour in STATUS_COLOURS.items()],
            "movers": result.movers(10),
            "gaps": evidence_gaps(framework=framework, start=today.replace(day=1), end=today),
            "can_view_criteria": request.user.has_perm("governance.view_criterion"),
        }
        return TemplateResponse(request, "admin/governance/readiness.html", context)


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "framework",
        "month",
        "download",
        "file_count",
        "total_bytes",
        "manifest_sha256",
        "previous",
        "created_by",
        "created_at",
    ]
    list_filter = ["framework"]
    list_select_related = ["framework", "previous__framework", "created_by"]
    readonly_fields = ["download"]
    actions = ["verify"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description="Zip")
    def download(self, obj):
        return download_link(reverse("admin:governance_snapshot_download", args=[obj.pk])) if obj.pk else ""

    def get_urls(self):
        view = self.admin_site.admin_view(self.download_view)
        return [path("<int:pk>/download/", view, name="governance_snapshot_download"), *super().get_urls()]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        snapshot = get_object_or_404(self.get_queryset(request), pk=pk)
        back = reverse("admin:governance_snapshot_change", args=[pk])
        return sealed_download_response(request, package=snapshot_sealed_package(snapshot), back_url=back)

    @admin.action(
        description="Verify selected snapshots on disk (files, signature, chain)", permissions=["view"]
    )
    def verify(self, request, queryset):
        for snapshot in queryset.select_related("previous"):
            previous = Path(snapshot.previous.path) if snapshot.previous else None
            passed, problems = snapshot_verify(
                Path(snapshot.path), public_key_pem=signing.public_key_pem(), previous=previous
            )
            if problems:
                self.message_user(request, f"{snapshot}: FAILED: {'; '.join(problems)}", messages.ERROR)
            else:
                self.message_user(request, f"{snapshot}: verified ({len(passed)} checks passed).")

    search_fields = ["manifest_sha256", "path"]
