"""Which of a user's active access policies apply to a dataset, and what they add up to.

Per role the most specific policy wins (one naming the dataset, else one for its layer, else one
for every layer), so a dataset policy can narrow what a layer policy gives. Across the user's
roles the widest access wins: the highest clearance, and all rows if any policy reads all rows.
A `requires_grant` policy (auditors) counts only while the user holds a live grant on the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts.grants import granted
from catalog.models import Dataset
from warehouse.reads.models import AccessPolicy

DATASET, LAYER, EVERY_LAYER = 0, 1, 2


@dataclass(frozen=True)
class Access:
    clearance_level: int  # columns above it are masked
    clearance_code: str
    row_filter: str  # AccessPolicy.RowFilter value
    policies: tuple[int, ...]  # the policies that decided it


def user_roles(user) -> list[tuple[int, str]]:
    """(group id, name) of the user's roles, in one query."""
    return list(user.groups.order_by("name").values_list("pk", "name"))


def dataset_access(user, dataset: Dataset, roles: list[tuple[int, str]]) -> Access | None:
    """The user's access to `dataset` through their roles; None when no policy lets them read it."""
    if not roles or not user.is_active:
        return None
    candidates = list(
        _active(roles).filter(Q(dataset=dataset) | Q(dataset__isnull=True, layer__in=[dataset.layer, ""]))
    )
    if any(p.requires_grant for p in candidates) and not _granted_ids(user, [dataset.pk]):
        candidates = [p for p in candidates if not p.requires_grant]
    return _decide(candidates)


def datasets_access(user, datasets: list[Dataset], roles: list[tuple[int, str]]) -> dict[int, Access]:
    """Access per dataset id for many datasets at once: two queries, whatever their number."""
    if not roles or not user.is_active or not datasets:
        return {}
    policies = list(_active(roles))
    grants = (
        _granted_ids(user, [d.pk for d in datasets]) if any(p.requires_grant for p in policies) else set()
    )
    decided = {}
    for dataset in datasets:
        candidates = [
            p
            for p in policies
            if (p.dataset_id == dataset.pk or (p.dataset_id is None and p.layer in (dataset.layer, "")))
            and (not p.requires_grant or dataset.pk in grants)
        ]
        access = _decide(candidates)
        if access is not None:
            decided[dataset.pk] = access
    return decided


def _active(roles):
    return AccessPolicy.objects.filter(
        status=AccessPolicy.Status.ACTIVE, role_id__in=[pk for pk, _ in roles]
    ).select_related("clearance")


def _decide(candidates: list[AccessPolicy]) -> Access | None:
    chosen = _most_specific_per_role(candidates)
    if not chosen:
        return None
    widest = max(chosen, key=lambda p: p.clearance.level)
    all_rows = any(p.row_filter == AccessPolicy.RowFilter.NONE for p in chosen)
    return Access(
        clearance_level=widest.clearance.level,
        clearance_code=widest.clearance.code,
        row_filter=AccessPolicy.RowFilter.NONE if all_rows else AccessPolicy.RowFilter.OWN_ORGANIZATION,
        policies=tuple(sorted(p.pk for p in chosen)),
    )


def _scope(policy: AccessPolicy) -> int:
    if policy.dataset_id:
        return DATASET
    return LAYER if policy.layer else EVERY_LAYER


def _most_specific_per_role(policies: list[AccessPolicy]) -> list[AccessPolicy]:
    best: dict[int, int] = {}
    for policy in policies:
        best[policy.role_id] = min(best.get(policy.role_id, EVERY_LAYER), _scope(policy))
    return [p for p in policies if _scope(p) == best[p.role_id]]


def _granted_ids(user, dataset_ids: list[int]) -> set[int]:
    return set(granted(Dataset.objects.filter(pk__in=dataset_ids), user).values_list("pk", flat=True))
