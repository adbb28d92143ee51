"""Which warehouse run the numbers come from: the latest succeeded run that built the marts.

Every metric result carries it (pages say "from run #12, finished …"), and the metric cache keys
on its `version`, so a new run means new keys. The answer itself is cached for a minute and
dropped as soon as a run finishes (`run_finished`, connected in ReportingConfig.ready()); the
minute bounds the staleness where the cache is per process (locmem) and the worker finished the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max

from warehouse.models import JobRun, WarehouseModel

CACHE_KEY = "reporting:freshness"
CACHE_SECONDS = 60
MARTS_LAYER = "marts"


@dataclass(frozen=True)
class Freshness:
    run_id: int | None  # None: no run has built the marts (a warehouse loaded by hand, tests)
    job: str = ""
    finished_at: datetime | None = None
    built_at: datetime | None = None  # the newest mart build, also by a run that later failed

    @property
    def version(self) -> str:
        """What the cached results depend on: the run, and the newest mart build time."""
        built = self.built_at.isoformat() if self.built_at else "-"
        return f"{self.run_id or 0}:{built}"

    def __str__(self) -> str:
        if self.run_id is None:
            return "No warehouse run has built the marts yet"
        return f"Warehouse run #{self.run_id} ({self.job}), finished {self.finished_at:%Y-%m-%d %H:%M} UTC"


def current_freshness() -> Freshness:
    """The run behind the marts now (cached; see the module docstring)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = _freshness()
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def _freshness() -> Freshness:
    built = WarehouseModel.objects.filter(layer=MARTS_LAYER, last_status="success")
    run = (
        JobRun.objects.filter(status=JobRun.Status.SUCCEEDED, pk__in=built.values("last_run"))
        .order_by("-finished_at", "-pk")
        .values_list("pk", "job", "finished_at")
        .first()
    )
    newest = built.aggregate(at=Max("last_success_at"))["at"]
    if run is None:
        return Freshness(run_id=None, built_at=newest)
    return Freshness(run_id=run[0], job=run[1], finished_at=run[2], built_at=newest)


def run_finished(sender, instance: JobRun, **kwargs) -> None:
    """post_save of JobRun: once a run has ended, the next read looks up the new run."""
    if instance.finished_at is not None:  # after commit: its mart rows are saved in the same transaction
        transaction.on_commit(lambda: cache.delete(CACHE_KEY))
