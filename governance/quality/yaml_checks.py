"""Checks defined in YAML beside the dbt project (`QUALITY_CHECKS_YAML_DIR`, `*.yml`).

    checks:
      - name: work_order_events_have_a_tenant   # unique in its file; the check's identity
        dataset: curated.fact_work_order_event  # a catalogued name, or its last parts
        column: tenant_key
        type: not_null                          # see governance.models.quality.CheckType
        severity: error                         # error blocks downstream models; warn reports
        params: {min_ratio: 1.0}

Loading is idempotent: a changed entry updates its check, a removed one is disabled (its results
stay), a dataset the catalog does not know yet is skipped with a warning until it appears.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from governance.models import QualityCheck
from governance.models.quality import CheckType, Severity
from governance.quality.relations import datasets_named

logger = logging.getLogger(__name__)


def quality_yaml_sync(folder: str | None = None) -> dict[str, int]:
    """Load every `*.yml` in `folder` (default the setting); returns counts of what happened."""
    folder = folder if folder is not None else settings.QUALITY_CHECKS_YAML_DIR
    counts = {"created": 0, "updated": 0, "unchanged": 0, "disabled": 0, "skipped": 0}
    if not folder or not Path(folder).is_dir():
        return counts
    seen = set()
    with transaction.atomic():
        for path in sorted(Path(folder).glob("*.yml")):
            for index, entry in enumerate((yaml.safe_load(path.read_text()) or {}).get("checks") or []):
                key = f"{path.name}:{entry.get('name') or index}"
                seen.add(key)
                counts[_upsert(key, entry)] += 1
        for gone in QualityCheck.objects.filter(source="yaml", enabled=True).exclude(source_key__in=seen):
            gone.enabled = False
            gone.save(update_fields=["enabled"])
            counts["disabled"] += 1
    return counts


def _upsert(key: str, entry: dict) -> str:
    if entry.get("type") not in CheckType.values or entry.get("severity", "warn") not in Severity.values:
        raise ValidationError(
            f"{key}: type must be one of {', '.join(CheckType.values)}; severity error or warn."
        )
    name = str(entry.get("dataset") or "")
    datasets = list(datasets_named(name)[:2])
    if len(datasets) != 1:
        logger.warning(
            "Quality check %s: dataset %r matches %d catalogued datasets; skipped.", key, name, len(datasets)
        )
        return "skipped"
    fields = {
        "dataset": datasets[0],
        "column": entry.get("column") or "",
        "check_type": entry["type"],
        "severity": entry.get("severity", "warn"),
        "params": entry.get("params") or {},
        "description": entry.get("description", ""),
        "enabled": True,
        "source": "yaml",
    }
    check = QualityCheck.objects.filter(source_key=key).first()
    if check and all(getattr(check, f) == v for f, v in fields.items()):
        return "unchanged"
    created = check is None
    check = check or QualityCheck(source_key=key)
    for field, value in fields.items():
        setattr(check, field, value)
    check.full_clean()
    check.save()
    return "created" if created else "updated"
