"""Which of a user's active access policies apply to a dataset, and what they add up to.

Per role the most specific policy wins (one naming the dataset, else one for its layer, else one
for every layer), so a dataset policy can narrow what a layer policy gives. Across the user's
roles the widest access wins: the highest clearance, and all rows if any policy reads all rows.
A `requires_grant` policy (auditors) counts only while the user holds a live grant on the dataset.

Nothing here is cached: every read asks the database, so a retired policy, a removed role or an
expired grant takes effect on the next read. `reader_policies` asks once for all of it (only the
SQL text of that query is kept per process, warehouse/reads/statements.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import FilteredRelation, Q, Subquery

from accounts.grants import granted
from catalog.models import Dataset
from warehouse.reads.models import AccessPolicy, TenantKey
from warehouse.reads.statements import Statement

DATASET, LAYER, EVERY_LAYER = 0, 1, 2


@dataclass(frozen=True)
class Access:
    clearance_level: int  # columns above it are masked
    clearance_code: str
    row_filter: str  # AccessPolicy.RowFilter value
    policies: tuple[int, ...]  # the policies that decided it


@dataclass(frozen=True)
class Policy:
    """The fields of an active AccessPolicy that decide a read."""

    pk: int
    role_id: int
    dataset_id: int | None
    layer: str
    row_filter: str
    requires_grant: bool
    clearance_level: int
    clearance_code: str

    def reaches(self, dataset: Dataset) -> bool:
        if self.dataset_id is not None:
            return self.dataset_id == dataset.pk
        return self.layer in (dataset.layer, "")


@dataclass(frozen=True)
class Reader:
    """A user's roles, their roles' active policies and their organisation's tenant key."""

    roles: list[tuple[int, str]]  # (group id, name), by name
    policies: list[Policy]
    tenant_id: int | None


def reader_policies(user) -> Reader:
    """Roles, active policies (with clearance) and tenant key in one query (`_reader_rows`)."""
    roles: dict[int, str] = {}
    policies, tenants = [], set()
    for role_id, name, tenant_id, pk, *fields in READER.rows(
        user_id=user.pk, organization_id=user.organization_id
    ):
        roles[role_id] = name
        tenants.add(tenant_id)
        if pk is not None:
            dataset_id, layer, row_filter, requires_grant, level, code = fields
            policies.append(
                Policy(pk, role_id, dataset_id, layer, row_filter, bool(requires_grant), level, code)
            )
    return Reader(roles=list(roles.items()), policies=policies, tenant_id=next(iter(tenants), None))


def _reader_rows(user_id, organization_id):
    """The user's groups, each LEFT JOINed to its active policies, with the tenant key of the
    user's organisation as a scalar subquery (none: NULL, `organization_id = NULL` matches nothing)."""
    return (
        Group.objects.filter(user=user_id)
        .annotate(
            active=FilteredRelation(
                "warehouse_policies", condition=Q(warehouse_policies__status=AccessPolicy.Status.ACTIVE)
            ),
            tenant=Subquery(
                TenantKey.objects.filter(organization_id=organization_id).values("tenant_id")[:1]
            ),
        )
        .order_by("name", "active__pk")
        .values_list(
            "pk",
            "name",
            "tenant",
            "active__pk",
            "active__dataset_id",
            "active__layer",
            "active__row_filter",
            "active__requires_grant",
            "active__clearance__level",
            "active__clearance__code",
        )
    )


READER = Statement(_reader_rows, user_id=-7_310_000_001, organization_id=-7_310_000_002)


def role_policies(role) -> list[Policy]:
    """A role's active policies that need no per-person grant (the authorized views build on them)."""
    rows = AccessPolicy.objects.filter(role=role, status=AccessPolicy.Status.ACTIVE, requires_grant=False)
    fields = ("pk", "role_id", "dataset_id", "layer", "row_filter", "requires_grant")
    return [
        Policy(*values)
        for values in rows.order_by("pk").values_list(*fields, "clearance__level", "clearance__code")
    ]


def dataset_access(user, dataset: Dataset, reader: Reader) -> Access | None:
    """The user's access to `dataset` through their roles; None when no policy lets them read it."""
    if not reader.roles or not user.is_active:
        return None
    candidates = [p for p in reader.policies if p.reaches(dataset)]
    if any(p.requires_grant for p in candidates) and not _granted_ids(user, [dataset.pk]):
        candidates = [p for p in candidates if not p.requires_grant]
    return decide_access(candidates)


def datasets_access(user, datasets: list[Dataset], reader: Reader) -> dict[int, Access]:
    """Access per dataset id for many datasets at once: no query, one more for grants."""
    if not reader.roles or not user.is_active or not datasets:
        return {}
    policies = reader.policies
    grants = (
        _granted_ids(user, [d.pk for d in datasets]) if any(p.requires_grant for p in policies) else set()
    )
    decided = {}
    for dataset in datasets:
        candidates = [
            p for p in policies if p.reaches(dataset) and (not p.requires_grant or dataset.pk in grants)
        ]
        access = decide_access(candidates)
        if access is not None:
            decided[dataset.pk] = access
    return decided


def decide_access(candidates: list[Policy]) -> Access | None:
    """What the policies reaching one dataset add up to (None: none reaches it)."""
    chosen = _most_specific_per_role(candidates)
    if not chosen:
        return None
    widest = max(chosen, key=lambda p: p.clearance_level)
    all_rows = any(p.row_filter == AccessPolicy.RowFilter.NONE for p in chosen)
    return Access(
        clearance_level=widest.clearance_level,
        clearance_code=widest.clearance_code,
        row_filter=AccessPolicy.RowFilter.NONE if all_rows else AccessPolicy.RowFilter.OWN_ORGANIZATION,
        policies=tuple(sorted(p.pk for p in chosen)),
    )


def _scope(policy: Policy) -> int:
    if policy.dataset_id:
        return DATASET
    return LAYER if policy.layer else EVERY_LAYER


def _most_specific_per_role(policies: list[Policy]) -> list[Policy]:
    best: dict[int, int] = {}
    for policy in policies:
        best[policy.role_id] = min(best.get(policy.role_id, EVERY_LAYER), _scope(policy))
    return [p for p in policies if _scope(p) == best[p.role_id]]


def _granted_ids(user, dataset_ids: list[int]) -> set[int]:
    return set(granted(Dataset.objects.filter(pk__in=dataset_ids), user).values_list("pk", flat=True))
