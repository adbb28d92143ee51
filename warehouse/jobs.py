"""The named warehouse jobs: which part of the dbt graph each one builds.

`events` keeps the event facts near real time; `hourly` refreshes the aggregates the dashboards
read; `daily` builds and tests everything and publishes cleansed and curated tables to the lake.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str
    selection: tuple[str, ...]
    publish_to_lake: bool = False
    description: str = ""


JOBS = {
    "events": Job("events", ("+fact_work_order_event", "+fact_usage_event"), description="Event facts"),
    "hourly": Job("hourly", ("path:models/marts",), description="Marts (aggregates)"),
    "daily": Job("daily", (), publish_to_lake=True, description="Whole graph, tests, lake export"),
}


def job_for(name: str, selection: str = "") -> Job:
    """A named job, or an ad-hoc one selecting `selection` (one model, a layer, …)."""
    if name in JOBS and not selection:
        return JOBS[name]
    return Job(name, tuple(selection.split()) if selection else ())
