"""Writes for engagements and evidence requests. Admin, portal views and commands call these."""

from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.audit import audit_event_record
from accounts.grants import access_grant_create, access_grant_objects_add, access_grant_revoke
from accounts.models import AccessGrant, AuditEntry
from governance.models import Control, Evidence, Snapshot
from portal.models import Engagement, EngagementObject, EvidenceRequest
from portal.selectors import engagement_scoped
from portal.snapshots import snapshot_control_refs, snapshot_evidence_ids


def engagement_create(*, actor, **fields) -> Engagement:
    engagement = Engagement(created_by=actor, **fields)
    engagement.full_clean()
    engagement.save()
    return engagement


def engagement_objects_add(*, engagement: Engagement, objects, actor) -> int:
    """Put objects (any model instances) in the engagement and open them to its auditors."""
    objects = list(objects)
    rows = [
        EngagementObject(
            engagement=engagement, content_type=ContentType.objects.get_for_model(o), object_id=o.pk
        )
        for o in objects
    ]
    with transaction.atomic():
        # Counted, not taken from bulk_create: with ignore_conflicts PostgreSQL returns every row.
        before = engagement.items.count()
        EngagementObject.objects.bulk_create(rows, ignore_conflicts=True)
        added = engagement.items.count() - before
        for grant in engagement.grants.filter(revoked_at__isnull=True):
            access_grant_objects_add(grant=grant, objects=objects)
    return added


def engagement_snapshot_add(*, engagement: Engagement, snapshot: Snapshot, actor) -> int:
    """Add a frozen snapshot with what it holds: its framework, criteria, controls, evidence."""
    if snapshot.framework_id != engagement.framework_id:
        raise ValidationError("The snapshot belongs to another framework than the engagement's.")
    framework = snapshot.framework
    objects = [snapshot, framework, *framework.criteria.filter(is_retired=False)]
    objects += list(Control.objects.filter(ref__in=snapshot_control_refs(snapshot)))
    objects += list(Evidence.objects.filter(pk__in=snapshot_evidence_ids(snapshot)))
    return engagement_objects_add(engagement=engagement, objects=objects, actor=actor)


def engagement_findings_add(*, engagement: Engagement, actor) -> int:
    """Open the findings of the engagement's audit to its auditors (again after new findings)."""
    if engagement.audit_id is None:
        raise ValidationError("Link the engagement to an audit first: its findings are what is shared.")
    return engagement_objects_add(engagement=engagement, objects=engagement.audit.findings.all(), actor=actor)


def engagement_auditor_add(
    *, engagement: Engagement, user, valid_from: datetime, valid_until: datetime, actor
) -> AccessGrant:
    """Name an auditor on the engagement for a window, opening every object it covers."""
    if not user.groups.filter(name=roles.AUDITOR).exists():
        raise ValidationError(f"{user.username} does not hold the {roles.AUDITOR} role.")
    with transaction.atomic():
        grant = access_grant_create(
            user=user, scope=engagement, valid_from=valid_from, valid_until=valid_until, actor=actor
        )
        access_grant_objects_add(grant=grant, objects=[engagement, *engagement_objects(engagement)])
    return grant


def engagement_objects(engagement: Engagement) -> list:
    """The engagement's objects as instances, one query per model."""
    by_type: dict[int, list[int]] = {}
    for ct_id, object_id in engagement.items.values_list("content_type_id", "object_id"):
        by_type.setdefault(ct_id, []).append(object_id)
    objects = []
    for ct_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        objects += list(model._base_manager.filter(pk__in=ids))
    return objects


def engagement_auditor_revoke(*, grant: AccessGrant, actor) -> AccessGrant:
    """Revoke at once: the auditor's next request is refused."""
    return access_grant_revoke(grant=grant, actor=actor)


def live_grant(engagement: Engagement, user) -> AccessGrant | None:
    """The user's grant on the engagement if it is in force right now, else None."""
    return engagement.grants.filter(user=user).live().first() if user.is_authenticated else None


def evidence_request_create(
    *, engagement: Engagement, control: Control, description: str, actor, due_date: date | None = None
) -> EvidenceRequest:
    """An auditor asks for evidence; the request becomes the control owner's task."""
    if live_grant(engagement, actor) is None:
        raise PermissionDenied("No live grant on this engagement.")
    # Scoped to this engagement: a control the auditor sees through another engagement is not enough.
    if (
        not engagement_scoped(Control.objects.all(), engagement=engagement, user=actor)
        .filter(pk=control.pk)
        .exists()
    ):
        raise PermissionDenied("This control is not part of the engagement.")
    request = EvidenceRequest(
        engagement=engagement, control=control, description=description.strip(),
        due_date=due_date, requested_by=actor, assignee=control.owner,
    )  # fmt: skip
    with transaction.atomic():
        request.full_clean()
        request.save()
        audit_event_record(
            action=AuditEntry.Action.CREATE, obj=request, actor=actor, data={"event": "requested"}
        )
    return request


def evidence_request_answer(
    *, request: EvidenceRequest, evidence: Evidence, actor, note: str = ""
) -> EvidenceRequest:
    """The control owner links accepted (hence immutable) evidence; the auditor may now see it."""
    if actor.pk != request.assignee_id and not actor.has_perm("portal.answer_evidencerequest"):
        raise PermissionDenied("Only the control owner answers this request.")
    if evidence.control_id != request.control_id:
        raise ValidationError("The evidence belongs to another control.")
    if evidence.status != Evidence.Status.ACCEPTED:
        raise ValidationError("Only accepted evidence can answer a request: it can no longer change.")
    with transaction.atomic():
        request = EvidenceRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in (EvidenceRequest.Status.OPEN, EvidenceRequest.Status.REJECTED):
            raise ValidationError(f"The request is {request.get_status_display().lower()}.")
        request.answer, request.answer_note = evidence, note
        request.answered_by, request.answered_at = actor, timezone.now()
        request.status = EvidenceRequest.Status.ANSWERED
        request.save()
        engagement_objects_add(engagement=request.engagement, objects=[evidence], actor=actor)
        audit_event_record(
            action=AuditEntry.Action.UPDATE, obj=request, actor=actor, data={"event": "answered"}
        )
    return request


def evidence_request_decide(
    *, request: EvidenceRequest, accept: bool, actor, note: str = ""
) -> EvidenceRequest:
    """The requesting engagement's auditor accepts or rejects the answer."""
    if live_grant(request.engagement, actor) is None:
        raise PermissionDenied("No live grant on this engagement.")
    with transaction.atomic():
        request = EvidenceRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != EvidenceRequest.Status.ANSWERED:
            raise ValidationError("Only an answered request can be accepted or rejected.")
        if not accept and not note.strip():
            raise ValidationError("Say why the answer is rejected.")
        request.status = EvidenceRequest.Status.ACCEPTED if accept else EvidenceRequest.Status.REJECTED
        request.decision_note, request.decided_at = note.strip(), timezone.now()
        request.save()
        audit_event_record(
            action=AuditEntry.Action.UPDATE, obj=request, actor=actor, data={"event": request.status}
        )
    return request
