"""When each role last read each warehouse table, and the access nobody used in 90 days."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.access.scope import active_policies, policy_scope, policy_tables, tables_by_layer
from warehouse.reads.models import AccessLog, AccessPolicy

UNUSED_AFTER_DAYS = 90
# How far back "last use" looks: one pass over a year of allowed reads, bounded memory
# (one entry per role and table).
LAST_USE_DAYS = 365


def last_reads(*, now: datetime | None = None) -> dict[tuple[str, str], datetime]:
    """(role name, table) -> the latest allowed read by a holder of that role, within a year."""
    now = now or timezone.now()
    reads = AccessLog.objects.filter(
        outcome=AccessLog.Outcome.ALLOWED, at__gte=now - timedelta(days=LAST_USE_DAYS)
    )
    latest: dict[tuple[str, str], datetime] = {}
    for at, roles, tables in (
        reads.order_by().values_list("at", "roles", "datasets").iterator(chunk_size=5000)
    ):
        for role in roles or ():
            for table in tables or ():
                key = (role, table)
                if key not in latest or at > latest[key]:
                    latest[key] = at
    return latest


def role_members(role_ids) -> dict[int, list[str]]:
    """Group id -> names of its active members, in one query."""
    memberships = get_user_model().groups.through.objects.filter(group_id__in=role_ids, user__is_active=True)
    rows = memberships.values_list("group_id", "user__first_name", "user__last_name", "user__username")
    members: dict[int, list[str]] = {}
    for group_id, first, last, username in rows.order_by(
        "user__last_name", "user__first_name", "user__username"
    ):
        members.setdefault(group_id, []).append(f"{first} {last}".strip() or username)
    return members


@dataclass(frozen=True)
class PolicyUse:
    policy: AccessPolicy
    scope: str
    members: list[str]
    last_used_at: datetime | None

    @property
    def role(self) -> str:
        return self.policy.role.name


def policy_uses(policies=None, *, now: datetime | None = None) -> list[PolicyUse]:
    """Each active policy with its role's members and the last allowed read it covered."""
    policies = list(active_policies() if policies is None else policies)
    latest = last_reads(now=now)
    layers = tables_by_layer()
    members = role_members([p.role_id for p in policies])
    uses = []
    for policy in policies:
        times = [
            latest[(policy.role.name, t)]
            for t in policy_tables(policy, layers)
            if (policy.role.name, t) in latest
        ]
        uses.append(
            PolicyUse(policy, policy_scope(policy), members.get(policy.role_id, []), max(times, default=None))
        )
    return uses


def unused_access(*, now: datetime | None = None) -> list[PolicyUse]:
    """Active policies none of whose tables a holder of the role read in the last 90 days."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=UNUSED_AFTER_DAYS)
    return [use for use in policy_uses(now=now) if use.last_used_at is None or use.last_used_at < cutoff]
