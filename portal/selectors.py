"""Reads for the auditor portal: always `visible_to(user)`, then narrowed to one engagement.

`visible_to` answers "may this user see the row at all, right now" (model permission, or a
live grant's guardian permission); the engagement filter answers "is it part of the engagement
being browsed", so an auditor on two engagements never sees one's objects on the other's pages.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, FilteredRelation, Q

from accounts.models import AccessGrant
from accounts.models.grants import live_q
from governance.models import Criterion, Evidence, ReadinessScore, Snapshot
from portal.models import Engagement, EngagementObject, EvidenceRequest


def engagement_scoped(queryset, *, engagement: Engagement, user):
    ids = EngagementObject.objects.filter(
        engagement=engagement, content_type=ContentType.objects.get_for_model(queryset.model)
    ).values("object_id")
    return queryset.visible_to(user).filter(pk__in=ids)


def snapshot_list(*, engagement, user):
    return engagement_scoped(Snapshot.objects.all(), engagement=engagement, user=user).order_by("-month")


def evidence_list(*, engagement, user):
    return (
        engagement_scoped(Evidence.objects.all(), engagement=engagement, user=user)
        .select_related("control")
        .only("pk", "title", "kind", "version", "sha256", "size", "original_name", "effective_from",
              "effective_to", "valid_until", "accepted_at", "control__ref", "control__name", "file", "url")
        .order_by("control__ref", "-effective_to", "pk")
    )  # fmt: skip


def criterion_list(*, engagement, user):
    return engagement_scoped(Criterion.objects.all(), engagement=engagement, user=user).order_by("position")


def request_list(*, engagement, user):
    return (
        EvidenceRequest.objects.visible_to(user)
        .filter(engagement=engagement)
        .select_related("control", "requested_by", "answer")
        .order_by("-requested_at")
    )


def engagement_readiness(engagement) -> ReadinessScore | None:
    """The latest recorded company-wide score of the engagement's framework (a stored figure)."""
    return (
        ReadinessScore.objects.filter(framework=engagement.framework_id, organization=None)
        .order_by("-day")
        .first()
    )


GRANT_FIELDS = [f.attname for f in AccessGrant._meta.concrete_fields]


def engagement_with_live_grant(engagement_id: int, user) -> tuple[Engagement | None, AccessGrant | None]:
    """The engagement if `user` may see it, and their grant on it if in force right now: one query
    (the gate runs it on every request). A user holds at most one grant per engagement, so the
    join adds no rows; no live grant reads as a grant of None."""
    if not user.is_authenticated:
        return None, None
    live = FilteredRelation("grants", condition=Q(grants__user=user) & live_q(prefix="grants__"))
    engagement = (
        Engagement.objects.visible_to(user)
        .filter(pk=engagement_id)
        .annotate(live_grant=live)
        .annotate(**{f"live_grant_{name}": F(f"live_grant__{name}") for name in GRANT_FIELDS})
        .first()
    )
    if engagement is None:
        return None, None
    values = [engagement.__dict__.pop(f"live_grant_{name}") for name in GRANT_FIELDS]
    if values[0] is None:
        return engagement, None
    return engagement, AccessGrant.from_db(engagement._state.db, GRANT_FIELDS, values)
