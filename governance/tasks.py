"""Scheduled compliance work. Tasks take ids, call a service and are safe to run again."""

import logging
from datetime import date

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.audit import current_actor, system_user
from governance.models import Evidence, Framework, Snapshot
from governance.services.evidence import evidence_rehash
from governance.services.overdue import overdue_flag
from governance.services.readiness import readiness_record
from governance.snapshots import snapshot_create

logger = logging.getLogger(__name__)


def _actor():
    return current_actor() or system_user()


@shared_task
def rehash_evidence(evidence_id: int) -> str:
    return evidence_rehash(evidence_id=evidence_id, actor=_actor())


@shared_task
def rehash_all_evidence() -> int:
    """Queue one re-hash per stored file (including superseded versions: they are kept too)."""
    ids = list(Evidence.objects.exclude(file="").values_list("pk", flat=True))
    for evidence_id in ids:
        rehash_evidence.delay(evidence_id)
    return len(ids)


@shared_task
def snapshot_month(framework_id: int, month: str) -> int | None:
    """Snapshot one framework-month; a month already frozen is left alone (idempotent)."""
    framework = Framework.objects.get(pk=framework_id)
    month_date = date.fromisoformat(month).replace(day=1)
    existing = Snapshot.objects.filter(framework=framework, month=month_date).first()
    if existing:
        return existing.pk
    settings.GOVERNANCE_SNAPSHOT_ROOT.mkdir(parents=True, exist_ok=True)
    try:
        snapshot = snapshot_create(
            framework=framework, month=month_date, out_dir=settings.GOVERNANCE_SNAPSHOT_ROOT, actor=_actor()
        )
    except ValidationError as exc:
        # No evidence for a framework not yet in use is normal; say so and carry on.
        logger.warning("No snapshot of %s for %s: %s", framework.slug, month, " ".join(exc.messages))
        return None
    return snapshot.pk


@shared_task
def snapshot_previous_month() -> int:
    """Beat, on the 1st: freeze the month that just ended, for every framework with a slug."""
    first = timezone.localdate().replace(day=1)
    previous = (first.replace(year=first.year - 1, month=12) if first.month == 1
                else first.replace(month=first.month - 1))  # fmt: skip
    ids = list(Framework.objects.exclude(slug=None).values_list("pk", flat=True))
    for framework_id in ids:
        snapshot_month.delay(framework_id, previous.isoformat())
    return len(ids)


@shared_task
def record_readiness_scores(day: str | None = None) -> int:
    """Beat, daily: store the day's scores; re-running the same day replaces its rows."""
    return readiness_record(day=date.fromisoformat(day) if day else timezone.localdate())


@shared_task
def flag_overdue(day: str | None = None) -> dict:
    """Beat, daily: schedule due effectiveness checks and flag overdue findings and CAPAs."""
    result = overdue_flag(day=date.fromisoformat(day) if day else timezone.localdate(), actor=_actor())
    if result["findings"] or result["capas"] or result["checks_due"]:
        logger.warning("Governance past due: %s", result)
    return result


@shared_task
def open_access_reviews() -> list[int]:
    """Quarterly (issue 16): every data owner gets this quarter's warehouse access review."""
    from governance.access.reviews import access_reviews_open_due

    return [review.pk for review in access_reviews_open_due()]


@shared_task
def check_freshness() -> dict:
    """Beat, every 5 minutes: open one incident per stale episode (and alert), close fresh ones."""
    from governance.quality.freshness import freshness_check

    result = freshness_check()
    return {"checked": result.checked, "opened": result.opened, "closed": result.closed}


@shared_task
def detect_metric_anomalies(day: str | None = None) -> int:
    """Beat, daily: record the day's key metrics, then record the anomalies among them."""
    from governance.quality.anomalies import anomalies_detect, metric_points_record

    day = date.fromisoformat(day) if day else timezone.localdate()
    metric_points_record(day=day)
    return len(anomalies_detect(day=day))
