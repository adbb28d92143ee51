"""Store the day's readiness scores, the history behind the charts."""

from datetime import date

from django.db import transaction

from accounts.models import Organization
from governance.models import Framework, ReadinessScore
from governance.readiness import as_decimal, readiness_compute, readiness_overall


def readiness_record(*, day: date) -> int:
    """Record per framework and overall, company-wide and per organisation with own controls.

    Re-running for the same day replaces that day's rows (idempotent), never adds more.
    """
    frameworks = list(Framework.objects.filter(criteria__isnull=False).distinct())
    organizations = [None, *Organization.objects.filter(control__isnull=False).distinct()]
    written = 0
    with transaction.atomic():
        for organization in organizations:
            results = [readiness_compute(framework=f, day=day, organization=organization) for f in frameworks]
            for result in results:
                _store(day, result.framework, organization, result.score, _detail(result))
                written += 1
            _store(day, None, organization, readiness_overall(results), {"frameworks": len(results)})
            written += 1
    return written


def _store(day, framework, organization, score, detail):
    ReadinessScore.objects.update_or_create(
        day=day, framework=framework, organization=organization,
        defaults={"score": as_decimal(score), "detail": detail},
    )  # fmt: skip


def _detail(result) -> dict:
    return {
        "raw": round(result.raw, 2),
        "penalties": [{"points": p.points, "reason": p.reason} for p in result.penalties],
        "criteria": {
            c.criterion.ref: {"score": None if c.score is None else round(c.score, 4), "status": c.status}
            for c in result.criteria
        },
    }
