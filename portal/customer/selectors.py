"""Reads for the customer portal, each scoped to one organisation here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from governance.models import Capa, Control, Deviation, Finding, ReadinessScore
from reporting.models import SavedReport


@dataclass(frozen=True)
class OpenItem:
    kind: str
    ref: str
    title: str
    status: str
    due_date: date | None


def _scores(organization):
    """The organisation's overall scores; company-wide ones when it has none of its own (it then
    has no control of its own, so the company-wide controls alone cover its data)."""
    own = ReadinessScore.objects.filter(organization=organization, framework__isnull=True)
    if own.exists():
        return own
    return ReadinessScore.objects.filter(organization__isnull=True, framework__isnull=True)


def readiness_latest(*, organization) -> ReadinessScore | None:
    return _scores(organization).order_by("-day").first()


def readiness_by_month(*, organization, start: date, end: date) -> dict[date, ReadinessScore]:
    """Month (its first day) -> the last overall score recorded in it, oldest first."""
    by_month: dict[date, ReadinessScore] = {}
    for score in _scores(organization).filter(day__gte=start, day__lte=end).order_by("day"):
        by_month[score.day.replace(day=1)] = score
    return by_month


def control_list(*, organization) -> list[Control]:
    scope = Q(organization=organization) | Q(organization__isnull=True)
    return list(Control.objects.filter(scope, is_active=True).order_by("ref"))


def open_item_list(*, organization) -> list[OpenItem]:
    """Findings of the organisation, the CAPAs answering them and the deviations those CAPAs
    handle, none closed; by due date."""
    findings = Finding.objects.filter(organization=organization).exclude(status=Finding.Status.CLOSED)
    capas = Capa.objects.filter(finding__organization=organization).exclude(status=Capa.Status.CLOSED)
    deviations = Deviation.objects.filter(capa__finding__organization=organization).exclude(
        status=Deviation.Status.CLOSED
    )
    items = [
        *(OpenItem("Finding", f.ref, f.title, f.get_status_display(), f.due_date) for f in findings),
        *(OpenItem("CAPA", c.ref, c.title, c.get_status_display(), c.due_date) for c in capas),
        *(OpenItem("Deviation", d.ref, d.title, d.get_status_display(), d.due_date) for d in deviations),
    ]
    return sorted(items, key=lambda item: (item.due_date or date.max, item.ref))


def shared_report_list(*, user):
    """Saved reports shared with the user's organisation. The builder's `visible_to` selector
    replaces this filter at merge; keep it the one place the portal asks."""
    if user.organization_id is None:
        return SavedReport.objects.none()
    return SavedReport.objects.filter(shared_with_organizations=user.organization_id).order_by("name")
