"""Reads of saved reports: `visible_to(user)` is the one queryset the admin, the API and the
customer portal list and open reports through (docs/report-builder.md)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from reporting.models import SavedReport
from reporting.reports.spec import ReportSpec, spec_for_saved_report

RoleShare = SavedReport.shared_with_roles.through
OrganizationShare = SavedReport.shared_with_organizations.through


def visible_to(user):
    """The reports `user` may open: their own, those shared with a role they hold or with their
    organisation; every report for a superuser, none for anyone signed out or deactivated.

    Shares are matched in subqueries, not joins, so a report shared twice with the user is listed
    once and the queryset stays free to be annotated and counted."""
    if not (user and user.is_authenticated and user.is_active):
        return SavedReport.objects.none()
    if user.is_superuser:
        return SavedReport.objects.all()
    by_role = RoleShare.objects.filter(group__user=user).values("savedreport_id")
    reach = Q(owner=user) | Q(pk__in=by_role)
    if user.organization_id:
        by_org = OrganizationShare.objects.filter(organization_id=user.organization_id)
        reach |= Q(pk__in=by_org.values("savedreport_id"))
    return SavedReport.objects.filter(reach)


def saved_report_list(user):
    """`visible_to(user)` with what a list shows, in a fixed number of queries."""
    return (
        visible_to(user)
        .select_related("owner")
        .prefetch_related("shared_with_roles", "shared_with_organizations")
    )


def saved_report_get(user, pk) -> SavedReport:
    """The report, or 404 when it does not exist or is not visible to `user` (no hint which)."""
    return get_object_or_404(saved_report_list(user), pk=pk)


def can_change(user, report: SavedReport) -> bool:
    """Only the owner (or a superuser) edits, shares or deletes a report; the others it is shared
    with open and export it."""
    return user.is_superuser or (report.owner_id == user.pk and user.has_perm("reporting.change_savedreport"))


def report_spec(report: SavedReport, today: date | None = None) -> ReportSpec:
    """The report's spec for `today` (its relative period resolved); raises ReportInvalid."""
    return spec_for_saved_report(report, today=today or timezone.localdate())
