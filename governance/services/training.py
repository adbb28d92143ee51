"""Training assignments and completions."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from governance.models import Curriculum, TrainingRecord


def curriculum_assign(*, curriculum: Curriculum, day: date, actor) -> int:
    """Assign each course of the role's curriculum to every active member who has no current
    assignment of it (none yet, or the last one expired). Safe to run again."""
    members = list(curriculum.role.user_set.filter(is_active=True).values_list("pk", flat=True))
    created = 0
    with transaction.atomic():
        for course in curriculum.courses.all():
            covered = set(
                TrainingRecord.objects.filter(course=course, user_id__in=members)
                .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
                .values_list("user_id", flat=True)
            )
            for user_id in members:
                if user_id not in covered:
                    _save(TrainingRecord(user_id=user_id, course=course, assigned_on=day,
                                         due_on=day + timedelta(days=curriculum.due_days)))  # fmt: skip
                    created += 1
    return created


def training_complete(*, record: TrainingRecord, completed_on: date, actor) -> TrainingRecord:
    """Record completion; it expires after the course's validity, if it has one."""
    if completed_on < record.assigned_on:
        raise ValidationError({"completed_on": "Completed before it was assigned."})
    validity = record.course.validity_days
    record.completed_on = completed_on
    # Bounded before the sum below, which would overflow for a date such as 9999-12-31.
    record.clean_fields(exclude=["expires_on"])
    record.expires_on = completed_on + timedelta(days=validity) if validity else None
    with transaction.atomic():
        return _save(record)


def training_record_save(*, record: TrainingRecord, actor) -> TrainingRecord:
    if record.completed_on:
        return training_complete(record=record, completed_on=record.completed_on, actor=actor)
    record.expires_on = None
    with transaction.atomic():
        return _save(record)


def _save(record):
    record.full_clean()
    record.save()
    return record
