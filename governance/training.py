"""Training compliance: the share of required (person, course) pairs currently completed.

A person is required to hold every course of the curriculum of each role (group) they are an
active member of. A pair is *current* on day D when a completion on or before D has not
expired by D. Compliance % = current pairs / required pairs x 100, per role and per organisation
(a person in two roles that both require a course counts once for their organisation).
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.models import Organization
from governance.models import Curriculum, TrainingRecord


@dataclass(frozen=True)
class Compliance:
    name: str
    required: int
    current: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.current / self.required, 1) if self.required else None


def _required_pairs(organization=None) -> dict[str, set[tuple[int, int]]]:
    """Role name -> {(user id, course id)} the role's active members must hold."""
    curricula = list(Curriculum.objects.select_related("role").prefetch_related("courses"))
    memberships = get_user_model().groups.through.objects.filter(
        group_id__in=[c.role_id for c in curricula], user__is_active=True
    )
    if organization is not None:
        memberships = memberships.filter(user__organization=organization)
    members: dict[int, list[int]] = {}
    for user_id, group_id in memberships.values_list("user_id", "group_id"):
        members.setdefault(group_id, []).append(user_id)
    return {
        c.role.name: {(u, course.pk) for u in members.get(c.role_id, []) for course in c.courses.all()}
        for c in curricula
    }


def _current_pairs(day: date) -> set[tuple[int, int]]:
    return set(
        TrainingRecord.objects.filter(completed_on__lte=day)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        .values_list("user_id", "course_id")
    )


def training_compliance_by_role(*, day: date, organization=None) -> list[Compliance]:
    current = _current_pairs(day)
    return [
        Compliance(role, len(pairs), len(pairs & current))
        for role, pairs in sorted(_required_pairs(organization).items())
    ]


def training_compliance_by_organization(*, day: date) -> list[Compliance]:
    required = set().union(*_required_pairs().values())
    current = _current_pairs(day)
    user_org = dict(
        get_user_model().objects.filter(pk__in={u for u, _ in required}).values_list("pk", "organization_id")
    )
    names = dict(Organization.objects.values_list("pk", "name"))
    grouped: dict[int | None, set] = {}
    for pair in required:
        grouped.setdefault(user_org.get(pair[0]), set()).add(pair)
    rows = [
        Compliance(names.get(org, "No organisation"), len(p), len(p & current)) for org, p in grouped.items()
    ]
    return sorted(rows, key=lambda r: r.name)


def training_compliance_overall(*, day: date) -> Compliance:
    required = set().union(*_required_pairs().values())
    return Compliance("All staff", len(required), len(required & _current_pairs(day)))
