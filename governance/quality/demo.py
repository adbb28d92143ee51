"""Demo data quality: the YAML checks bound to the demo warehouse, run once, and scored; the key
metrics recorded and the last year judged, so a steward finds anomalies to acknowledge.

The pipeline's quality gate loads the YAML checks at the start of a run, before the first run has
put the warehouse's tables in the catalog; so the demo binds and runs them once after that run.
The demo source carries two incidents for this story (warehouse/demo.py `incidents_write`): a
runaway AI agent loop three months back, recorded as a token-use anomaly, and a meter that reset
last week, whose negative usage quantities fail a range check.
"""

from django.db.models import Q
from django.utils import timezone

from catalog.models import DataCheck, Dataset
from governance.models import CheckResult
from governance.quality import anomalies, services, yaml_checks
from governance.quality.freshness import freshness_check
from warehouse.models import JobRun


def seed_quality() -> str:
    yaml_checks.quality_yaml_sync()
    freshness_check()
    if CheckResult.objects.exists():
        return "quality results already recorded"
    return f"{_checks_run()}; {_anomalies_recorded()}"


def _anomalies_recorded() -> str:
    today = timezone.localdate()
    anomalies.metric_points_record(day=today)
    found = anomalies.anomalies_detect(day=today, lookback_days=366)
    return f"{len(found)} metric anomalies to acknowledge ({', '.join(sorted({a.metric for a in found}))})"


def _checks_run() -> str:
    run = JobRun.objects.filter(status=JobRun.Status.SUCCEEDED).order_by("-finished_at").first()
    run_id = run.pk if run else None
    checked = Dataset.objects.filter(quality_checks__enabled=True).distinct()
    results = services.quality_checks_run(datasets=checked, job_run_id=run_id)
    tested = DataCheck.objects.exclude(last_run_at=None).values("dataset")
    scored = Dataset.objects.filter(Q(pk__in=checked.values("pk")) | Q(pk__in=tested))
    scores = [services.quality_score_record(dataset=dataset, job_run_id=run_id) for dataset in scored]
    failed = sum(result.status != CheckResult.Status.PASS for result in results)
    scored_count = sum(score is not None for score in scores)
    return f"{len(results)} checks run ({failed} not passing), {scored_count} tables scored"
