"""The catalog's write path. Other apps call these (the warehouse: `dbt_import`, `lineage_event_ingest`)."""

from catalog.services.datasets import (
    column_attach_term,
    column_classify,
    column_upsert,
    dataset_update,
    dataset_upsert,
)
from catalog.services.dbt import DbtImportError, DbtImportReport, dbt_import
from catalog.services.glossary import (
    glossary_term_approve,
    glossary_term_create,
    glossary_term_deprecate,
    glossary_term_submit,
    glossary_term_update,
)
from catalog.services.identity import dataset_identities_migrate, dataset_merge
from catalog.services.lineage import LineageEventInvalid, lineage_batch_ingest, lineage_event_ingest
from catalog.services.pii import pii_scan, suggestion_accept, suggestion_reject
from catalog.services.propagation import classification_propagate
from catalog.services.schema_sync import SyncReport, schema_sync

__all__ = [
    "DbtImportError",
    "DbtImportReport",
    "LineageEventInvalid",
    "SyncReport",
    "classification_propagate",
    "column_attach_term",
    "column_classify",
    "column_upsert",
    "dataset_identities_migrate",
    "dataset_merge",
    "dataset_update",
    "dataset_upsert",
    "dbt_import",
    "glossary_term_approve",
    "glossary_term_create",
    "glossary_term_deprecate",
    "glossary_term_submit",
    "glossary_term_update",
    "lineage_batch_ingest",
    "lineage_event_ingest",
    "pii_scan",
    "schema_sync",
    "suggestion_accept",
    "suggestion_reject",
]
