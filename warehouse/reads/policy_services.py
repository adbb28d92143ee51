"""The write path of warehouse access policies: propose a version, approve it, reject it, retire it.

Four eyes: the proposer never approves their own version. A version that widens access (lets
the role read in clear a level the catalog says must be masked, L3/L4, or raises the clearance,
drops the own-organisation row filter or the grant requirement compared with the role's active
policies on that scope) needs a second approver, different from both. Retiring or rejecting
only takes access away: one person holding the approve permission is enough. Every change is
saved row by row, so django-auditlog keeps each version with who did it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.audit import acting_as
from warehouse.reads.models import AccessPolicy

PROPOSE_PERMISSION = "warehouse_reads.add_accesspolicy"
APPROVE_PERMISSION = "warehouse_reads.approve_accesspolicy"
Status = AccessPolicy.Status
RowFilter = AccessPolicy.RowFilter


def _require(actor, permission: str, what: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(f"You may not {what}: that needs the {permission} permission.")


def _same_scope(*, role, layer: str, dataset):
    return AccessPolicy.objects.filter(role=role, layer=layer, dataset=dataset)


def access_policy_check_proposal(*, role, layer: str, dataset, reason: str, supersedes=None) -> None:
    """Raise ValidationError when a proposal cannot be made; the admin form calls it too."""
    if dataset is not None and layer:
        raise ValidationError("Choose a layer or one dataset, not both.")
    if dataset is not None and dataset.removed_at is not None:
        raise ValidationError(f"{dataset.name} was removed from the warehouse: choose a current dataset.")
    if not (reason or "").strip():
        raise ValidationError("Say why the role needs this access.")
    if supersedes is not None:
        if supersedes.status != Status.ACTIVE:
            raise ValidationError(f"{supersedes} is not active: only the active version gets a successor.")
        if (supersedes.role_id, supersedes.layer, supersedes.dataset_id) != (role.pk, layer, _pk(dataset)):
            raise ValidationError("A new version keeps the role and scope of the version it replaces.")
    else:
        active = _same_scope(role=role, layer=layer, dataset=dataset).filter(status=Status.ACTIVE).first()
        if active is not None:
            raise ValidationError(
                f"{active} is already active for this role and scope: propose a new version of it."
            )
    pending = _same_scope(role=role, layer=layer, dataset=dataset).filter(status=Status.PROPOSED).first()
    if pending is not None:
        raise ValidationError(
            f"{pending} already awaits approval for this role and scope: decide on it first."
        )


def _pk(obj):
    return None if obj is None else obj.pk


def access_policy_propose(
    *,
    actor,
    role,
    clearance,
    reason: str,
    layer: str = "",
    dataset=None,
    row_filter: str = RowFilter.NONE,
    requires_grant: bool = False,
    supersedes=None,
) -> AccessPolicy:
    """A new version in `proposed` state; `supersedes` is the active version it will replace."""
    _require(actor, PROPOSE_PERMISSION, "propose warehouse access policies")
    with transaction.atomic(), acting_as(actor):
        if supersedes is not None:
            supersedes = AccessPolicy.objects.select_for_update().get(pk=supersedes.pk)
        access_policy_check_proposal(
            role=role, layer=layer, dataset=dataset, reason=reason, supersedes=supersedes
        )
        last = _same_scope(role=role, layer=layer, dataset=dataset).aggregate(v=Max("version"))["v"]
        policy = AccessPolicy(
            role=role,
            layer=layer,
            dataset=dataset,
            clearance=clearance,
            row_filter=row_filter,
            requires_grant=requires_grant,
            reason=reason.strip(),
            status=Status.PROPOSED,
            version=(last or 0) + 1,
            supersedes=supersedes,
            proposed_by=actor,
            proposed_at=timezone.now(),
        )
        policy.full_clean()
        policy.save()
    return policy


def _covering_active(policy) -> list[AccessPolicy]:
    """The role's active policies that already reach everything this policy's scope reaches."""
    scope = Q(layer="", dataset=None)
    if policy.layer:
        scope |= Q(layer=policy.layer, dataset=None)
    if policy.dataset_id:
        scope |= Q(layer=policy.dataset.layer, dataset=None) | Q(dataset_id=policy.dataset_id)
    active = AccessPolicy.objects.filter(scope, role_id=policy.role_id, status=Status.ACTIVE)
    return list(active.exclude(pk=policy.pk).select_related("clearance"))


def access_policy_widening(policy) -> list[str]:
    """Why this version needs a second approver (empty: one approver is enough)."""
    reasons = []
    code = policy.clearance.code
    if policy.clearance.masking_required:
        reasons.append(
            f"it lets {policy.role.name} read {code} columns in clear (the catalog requires masking)"
        )
    before = _covering_active(policy)
    if not before:
        return reasons
    highest = max((p.clearance for p in before), key=lambda level: level.level)
    if policy.clearance.level > highest.level:
        reasons.append(f"it raises the clearance from {highest.code} to {code}")
    if policy.row_filter == RowFilter.NONE and all(p.row_filter != RowFilter.NONE for p in before):
        reasons.append("it drops the own-organisation row filter")
    if not policy.requires_grant and all(p.requires_grant for p in before):
        reasons.append("it no longer requires an access grant")
    return reasons


def _lock(policy) -> AccessPolicy:
    """Lock the policy and the version it supersedes, in primary-key order."""
    ids = [policy.pk, policy.supersedes_id] if policy.supersedes_id else [policy.pk]
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the dataset
    rows = AccessPolicy.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    locked = {row.pk: row for row in rows.select_related("role", "clearance", "dataset")}
    return locked[policy.pk]


def _append_note(policy, note: str) -> None:
    note = (note or "").strip()
    if note:
        policy.decided_note = f"{policy.decided_note}\n{note}".strip()


def _activate(policy, now) -> None:
    previous = policy.supersedes
    if previous is not None and previous.status != Status.ACTIVE:
        raise ValidationError(
            f"{previous} is no longer active: propose a new version of the current one instead."
        )
    if previous is None:
        clash = _same_scope(role=policy.role, layer=policy.layer, dataset=policy.dataset)
        clash = clash.filter(status=Status.ACTIVE).exclude(pk=policy.pk).first()
        if clash is not None:
            raise ValidationError(f"{clash} became active meanwhile: propose a new version of it instead.")
    policy.status = Status.ACTIVE
    if previous is not None:
        previous.status, previous.retired_at = Status.RETIRED, now
        previous.save()


def access_policy_approve(*, policy, actor, note: str = "") -> AccessPolicy:
    """First or second approval; the version becomes active once it has the approvals it needs."""
    _require(actor, APPROVE_PERMISSION, "approve warehouse access policies")
    with transaction.atomic(), acting_as(actor):
        policy = _lock(policy)
        if policy.status != Status.PROPOSED:
            raise ValidationError(f"{policy} is {policy.get_status_display().lower()}: nothing to approve.")
        if policy.proposed_by_id == actor.pk:
            raise PermissionDenied("Four eyes: you proposed this version, so someone else must approve it.")
        now = timezone.now()
        if policy.approved_by_id is None:
            policy.approved_by, policy.approved_at = actor, now
            if not access_policy_widening(policy):
                _activate(policy, now)
        else:
            if policy.approved_by_id == actor.pk:
                raise PermissionDenied(
                    "You gave the first approval: the second must come from a third person."
                )
            policy.second_approved_by, policy.second_approved_at = actor, now
            _activate(policy, now)
        _append_note(policy, note)
        policy.save()
    return policy


def access_policy_reject(*, policy, actor, note: str) -> AccessPolicy:
    """Turn down a proposed version (its proposer may withdraw it; anyone else needs approve)."""
    with transaction.atomic(), acting_as(actor):
        policy = _lock(policy)
        if policy.proposed_by_id != actor.pk:
            _require(actor, APPROVE_PERMISSION, "reject warehouse access policies")
        if policy.status != Status.PROPOSED:
            raise ValidationError(
                f"{policy} is {policy.get_status_display().lower()}: only a proposal can be rejected."
            )
        if not (note or "").strip():
            raise ValidationError("Say why the proposal is rejected.")
        policy.status = Status.REJECTED
        _append_note(policy, note)
        policy.save()
    return policy


def access_policy_retire(*, policy, actor, note: str) -> AccessPolicy:
    """End an active version. It only removes access, so one approver suffices (no four eyes)."""
    _require(actor, APPROVE_PERMISSION, "retire warehouse access policies")
    with transaction.atomic(), acting_as(actor):
        policy = _lock(policy)
        if policy.status != Status.ACTIVE:
            raise ValidationError(
                f"{policy} is {policy.get_status_display().lower()}: only an active version can be retired."
            )
        if not (note or "").strip():
            raise ValidationError("Say why the access is retired.")
        policy.status, policy.retired_at = Status.RETIRED, timezone.now()
        _append_note(policy, note)
        policy.save()
    return policy


def access_policy_versions(policy):
    """Every version of the policy's role and scope, newest first."""
    versions = _same_scope(role=policy.role, layer=policy.layer, dataset=policy.dataset)
    return versions.select_related("clearance", "proposed_by", "approved_by", "second_approved_by").order_by(
        "-version"
    )
