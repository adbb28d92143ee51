"""The warehouse's and CDC's lineage hooks, pointed at the catalog (the default in settings).

`warehouse` may import `catalog`; the catalog knows nothing of the warehouse. Each run's
OpenLineage events go through the catalog's own ingestion (validated against the spec, stored
as received, edges derived), and each dbt run's manifest and run results through the catalog's
dbt importer, so the warehouse's models, columns, descriptions and lineage are never typed.
Then every warehouse column without a level set or declared derives one (lineage, else its
table's), so after a run what still has none is a gap (`manage.py catalog_level_gaps`).
"""

import logging

from accounts.audit import current_actor, system_user
from catalog.services.dbt import dbt_import
from catalog.services.lineage import lineage_batch_ingest
from catalog.services.warehouse_levels import warehouse_levels_apply

logger = logging.getLogger(__name__)


def _ingest(events, what: str) -> dict:
    outcome = lineage_batch_ingest(events=events, actor=current_actor() or system_user())
    if outcome["summary"]["failed"]:
        invalid = [r for r in outcome["results"] if r["status"] == "invalid"]
        logger.error("%s: %d lineage event(s) refused by the catalog: %s", what, len(invalid), invalid[:3])
    return outcome


def warehouse_run_to_catalog(*, events, manifest_path, run_results_path, job_run_id):
    """WAREHOUSE_LINEAGE_SINK: the dbt artifacts first (datasets, columns, tests), then the events,
    then the levels derived from both."""
    if manifest_path:
        dbt_import(manifest_path, run_results_path, actor=current_actor() or system_user())
    _ingest(events, f"Job run {job_run_id}")
    levels = warehouse_levels_apply()
    if levels.gaps:
        logger.warning("Job run %s: %d warehouse column(s) without a level", job_run_id, len(levels.gaps))


def cdc_to_catalog(*, events, source, reason):
    """CDC_CATALOG_SINK: the capture job (source tables → raw lake) and its schema changes."""
    _ingest(events, f"CDC {source} ({reason})")
