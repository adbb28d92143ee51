"""Where the catalog's classification and the protection actually applied disagree.

Three findings:
- pipeline: a raw lake column's catalog level against the pipeline's treatment of it
  (`warehouse.config.column_policies()`, else the defaults in dbt_project.yml): L3/L4 kept in
  clear, or tokenised/dropped while L0-L2;
- reads: reads logged with a column level that is no longer the column's catalog level (the
  masking applied then is not what today's level asks for);
- gaps: warehouse columns with no level (masked as L4 by the read path, but a gap to close).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import yaml
from django.utils import timezone

from catalog.models import Column, Dataset
from governance.access.scope import engine_name
from warehouse.config import column_policies
from warehouse.dbt_runner import PROJECT_DIR
from warehouse.reads.catalog_lookup import live_warehouse_datasets
from warehouse.reads.models import AccessLog

SENSITIVE_LEVEL = 3  # L3 and above must not leave the pipeline in clear
READ_DRIFT_DAYS = 90
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Drift:
    kind: str  # "pipeline", "read" or "gap"
    table: str
    column: str
    catalog_level: str
    applied: str
    problem: str
    reads: int = 0
    last_read_at: datetime | None = None


def applied_treatments() -> dict[str, dict[str, str]]:
    """table -> column -> tokenise|drop, as the next pipeline run applies it."""
    configured = column_policies()
    if configured is not None:
        return configured
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return project["vars"]["column_policies"]


def _raw_table(dataset_name: str) -> str:
    return re.split(r"[/.]", dataset_name.rstrip("/"))[-1]


def pipeline_drift() -> list[Drift]:
    treatments = applied_treatments()
    columns = Column.objects.filter(
        dataset__layer=Dataset.Layer.RAW, dataset__removed_at__isnull=True, removed_at__isnull=True,
        classification__isnull=False,
    ).values_list("dataset__name", "name", "classification__code", "classification__level")  # fmt: skip
    found = []
    for dataset_name, column, code, level in columns.order_by("dataset__name", "name"):
        table = _raw_table(dataset_name)
        applied = (treatments.get(table) or {}).get(column, "")
        if level >= SENSITIVE_LEVEL and not applied:
            found.append(
                Drift("pipeline", table, column, code, "kept in clear", f"{code} column kept in clear")
            )
        elif level < SENSITIVE_LEVEL and applied:
            problem = f"{'tokenised' if applied == 'tokenise' else 'dropped'} while only {code}"
            found.append(Drift("pipeline", table, column, code, applied, problem))
    return found


def _level_code(level) -> str:
    if level is None or level == "":
        return UNCLASSIFIED
    return f"L{level}" if isinstance(level, int) else str(level)


def catalog_levels() -> dict[tuple[str, str], str]:
    """(engine table, column) -> its catalog level code today (or "unclassified")."""
    rows = Column.objects.filter(dataset__in=live_warehouse_datasets(), removed_at__isnull=True)
    return {
        (engine_name(table), column): code or UNCLASSIFIED
        for table, column, code in rows.values_list("dataset__name", "name", "classification__code")
    }


def read_drift(*, now: datetime | None = None) -> list[Drift]:
    """Columns read in the last 90 days at a level other than today's, per logged level."""
    now = now or timezone.now()
    current = catalog_levels()
    seen: dict[tuple[str, str, str], list] = {}
    reads = AccessLog.objects.filter(
        outcome=AccessLog.Outcome.ALLOWED, at__gte=now - timedelta(days=READ_DRIFT_DAYS)
    )
    for at, columns in reads.order_by().values_list("at", "columns").iterator(chunk_size=5000):
        for touched in columns or ():
            key = (touched.get("table", ""), touched.get("column", ""), _level_code(touched.get("level")))
            if key[:2] in current and current[key[:2]] != key[2]:
                count, last = seen.get(key, (0, at))
                seen[key] = [count + 1, max(last, at)]
    return [
        Drift(
            "read",
            table,
            column,
            current[(table, column)],
            f"read as {logged}",
            f"read as {logged}, catalog now says {current[(table, column)]}",
            count,
            last,
        )
        for (table, column, logged), (count, last) in sorted(seen.items())
    ]


def classification_gaps() -> list[Drift]:
    rows = Column.objects.filter(
        dataset__in=live_warehouse_datasets(), removed_at__isnull=True, classification__isnull=True
    ).values_list("dataset__name", "name")
    return [
        Drift(
            "gap",
            engine_name(table),
            column,
            UNCLASSIFIED,
            "masked as L4",
            "no classification in the catalog",
        )
        for table, column in rows.order_by("dataset__name", "name")
    ]


def access_drift(*, now: datetime | None = None) -> list[Drift]:
    """Every finding: pipeline treatment, reads at a stale level, then classification gaps."""
    return [*pipeline_drift(), *read_drift(now=now), *classification_gaps()]
