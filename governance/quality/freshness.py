"""Freshness: how old each dataset's newest data may be, and one incident per stale episode.

The expectation of a dataset is its `FreshnessSla` when a steward set one; otherwise it follows
from the warehouse job schedule: the most frequent beat entry of `warehouse.tasks.run_scheduled_job`
whose job selects the dataset's dbt model, times `TOLERANCE` (one missed run is tolerated; a job
that fails for good already alerts on its own). A dataset no job builds and no SLA covers has no
expectation and is not checked.

The newest data is the later of the model's last successful build and the catalog's
`last_updated_at` (OpenLineage, CDC and schema sync set it, so raw lake tables count too).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.schedules import crontab, schedule
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import roles
from catalog.impact import walk
from catalog.models import Dataset
from governance.models import FreshnessIncident
from warehouse.jobs import job_for
from warehouse.models import WarehouseModel

TOLERANCE = 2
SCHEDULED_JOB_TASK = "warehouse.tasks.run_scheduled_job"


@dataclass(frozen=True)
class Expectation:
    max_age: timedelta
    source: str


@dataclass
class FreshnessResult:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    checked: int = 0


def schedule_interval(entry) -> timedelta | None:
    """The average time between two runs of a beat schedule (a crontab, a schedule or seconds)."""
    if isinstance(entry, (int, float)):
        return timedelta(seconds=entry)
    if isinstance(entry, crontab):
        runs_a_day = len(entry.hour) * len(entry.minute)
        days = 7 / len(entry.day_of_week) if len(entry.day_of_month) == 31 else 31 / len(entry.day_of_month)
        return timedelta(days=days * 12 / len(entry.month_of_year)) / runs_a_day
    if isinstance(entry, schedule):
        return entry.run_every
    return None


def job_intervals() -> dict[str, timedelta]:
    """Warehouse job name → interval between its scheduled runs (the shortest when listed twice)."""
    intervals = {}
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        if entry.get("task") != SCHEDULED_JOB_TASK or not entry.get("args"):
            continue
        interval = schedule_interval(entry["schedule"])
        job = entry["args"][0]
        if interval and (job not in intervals or interval < intervals[job]):
            intervals[job] = interval
    return intervals


class _Selections:
    """Answers "does this job's dbt selection build that model?" for the few selector forms jobs use:
    a model name, `+name` (the model and everything upstream, from the catalog's lineage),
    `path:models/<folder>` (the folder is the model's layer) and the empty selection (all)."""

    def __init__(self):
        self._upstream: dict[str, set[int]] = {}

    def _upstream_of(self, name: str) -> set[int]:
        if name not in self._upstream:
            ids = set()
            for dataset in Dataset.objects.filter(
                dbt_unique_id__endswith=f".{name}", removed_at__isnull=True
            ):
                ids |= {dataset.pk, *walk("dataset", dataset.pk, "upstream", depth=50, max_nodes=5000).depths}
            self._upstream[name] = ids
        return self._upstream[name]

    def selects(self, selection: tuple[str, ...], dataset: Dataset, model: WarehouseModel) -> bool:
        if not selection:
            return True
        return any(self._one(selector, dataset, model) for selector in selection)

    def _one(self, selector: str, dataset: Dataset, model: WarehouseModel) -> bool:
        if selector.startswith("path:models/"):
            return model.layer == selector.removeprefix("path:models/").strip("/")
        if selector.startswith("+"):
            return model.name == selector[1:] or dataset.pk in self._upstream_of(selector[1:])
        return model.name == selector


def expectation_for(dataset, model, *, intervals, selections) -> Expectation | None:
    sla = getattr(dataset, "freshness_sla", None)
    if sla is not None:
        return Expectation(sla.max_age, "set by hand" + (f": {sla.note}" if sla.note else ""))
    if model is None:
        return None
    jobs = [(interval, job) for job, interval in intervals.items()
            if selections.selects(job_for(job).selection, dataset, model)]  # fmt: skip
    if not jobs:
        return None
    interval, job = min(jobs)
    return Expectation(interval * TOLERANCE, f"job {job} (every {interval}) * {TOLERANCE}")


def data_as_of(dataset, model) -> datetime | None:
    times = [t for t in (dataset.last_updated_at, model.last_success_at if model else None) if t]
    return max(times) if times else None


def _in_scope():
    """Current datasets a warehouse model builds or a freshness SLA covers, with their models."""
    models = {m.unique_id: m for m in WarehouseModel.objects.all()}
    datasets = (
        Dataset.objects.filter(removed_at__isnull=True)
        .filter(Q(dbt_unique_id__in=list(models)) | Q(freshness_sla__isnull=False))
        .select_related("freshness_sla", "steward")
    )
    return [(d, models.get(d.dbt_unique_id)) for d in datasets]


def freshness_check(*, now: datetime | None = None) -> FreshnessResult:
    """Open an incident for each newly stale dataset (and alert once), close those fresh again.

    Idempotent: a second run in the same state changes nothing and sends nothing.
    """
    now = now or timezone.now()
    intervals, selections, result = job_intervals(), _Selections(), FreshnessResult()
    open_by_dataset = {i.dataset_id: i for i in FreshnessIncident.objects.filter(closed_at__isnull=True)}
    for dataset, model in _in_scope():
        expectation = expectation_for(dataset, model, intervals=intervals, selections=selections)
        if expectation is None:
            continue
        result.checked += 1
        as_of = data_as_of(dataset, model)
        stale = now - (as_of or dataset.created_at) > expectation.max_age
        incident = open_by_dataset.pop(dataset.pk, None)
        if stale and incident is None:
            result.opened.append(_open(dataset, as_of, expectation, now).pk)
        elif not stale and incident is not None:
            result.closed.append(_close(incident, now).pk)
    for incident in open_by_dataset.values():  # removed from the catalog, or no expectation any more
        result.closed.append(_close(incident, now).pk)
    return result


@transaction.atomic
def _open(dataset, as_of, expectation, now) -> FreshnessIncident:
    recipients = stale_alert_recipients(dataset)
    incident = FreshnessIncident(
        dataset=dataset, opened_at=now, data_as_of=as_of, max_age=expectation.max_age,
        expectation_source=expectation.source, notified=", ".join(recipients),
    )  # fmt: skip
    incident.full_clean()
    incident.save()
    transaction.on_commit(lambda: _send_stale_alert(incident, recipients))
    return incident


def _close(incident, now) -> FreshnessIncident:
    incident.closed_at = now
    incident.save(update_fields=["closed_at"])
    return incident


def stale_alert_recipients(dataset) -> list[str]:
    """The dataset's steward; without one (or without an address), the active data stewards."""
    steward = dataset.steward
    if steward is not None and steward.is_active and steward.email:
        return [steward.email]
    group = Group.objects.filter(name=roles.DATA_STEWARD).first()
    return sorted({u.email for u in group.user_set.filter(is_active=True) if u.email}) if group else []


def _send_stale_alert(incident, recipients) -> None:
    if not recipients:
        return
    as_of = f"{incident.data_as_of:%Y-%m-%d %H:%M} UTC" if incident.data_as_of else "never"
    send_mail(
        f"[Custodian] stale data: {incident.dataset.name}",
        f"{incident.dataset} has not been refreshed as expected.\n\n"
        f"Newest data: {as_of}\nExpected: at most {incident.max_age} old ({incident.expectation_source})\n\n"
        "You will not be told again until the data is fresh and goes stale once more.",
        None, recipients,
    )  # fmt: skip
