"""Reads for the auditor portal: always `visible_to(user)`, then narrowed to one engagement.

`visible_to` answers "may this user see the row at all, right now" (model permission, or a
live grant's guardian permission); the engagement filter answers "is it part of the engagement
being browsed", so an auditor on two engagements never sees one's objects on the other's pages.
"""

from django.contrib.contenttypes.models import ContentType

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
