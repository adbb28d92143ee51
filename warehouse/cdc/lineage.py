"""The catalog hook of CDC: OpenLineage RunEvents handed to `settings.CDC_CATALOG_SINK`.

The sink (a dotted path to a callable, like `WAREHOUSE_LINEAGE_SINK`) is called as

    sink(events=[RunEvent dicts], source="name", reason="snapshot" | "schema_change")

Each event is a COMPLETE RunEvent of the job `cdc.<source>` whose inputs are the source tables
(namespace `postgres://host:port`, name `db.schema.table`) and outputs the raw lake datasets
(the lake folder `raw/<table>`, named by catalog.naming: `file` + its path, or
`gs://bucket` + its key), both with a `schema` facet; a schema change also
carries a `custodian_schemaChange` facet on the output (version, added/dropped/retyped).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
PRODUCER = "https://github.com/custodian/custodian/warehouse/cdc"
SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
FACETS = "https://openlineage.io/spec/facets/"


def log_sink(*, events, source, reason):
    logger.info("CDC %s: %d lineage event(s) (%s)", source, len(events), reason)


def _namespaces(source) -> tuple[str, str]:
    from psycopg2.extensions import parse_dsn

    parts = parse_dsn(source.dsn)
    pg = f"postgres://{parts.get('host', 'localhost')}:{parts.get('port', '5432')}"
    return pg, parts.get("dbname", "postgres")


def _lake_dataset(table: str, facets: dict) -> dict:
    """The raw lake folder of `table`, named as the warehouse's dbt sources name the same files."""
    from catalog.naming import file_dataset
    from warehouse import config

    namespace, name = file_dataset(f"{config.lake().root_url}/raw/{table}")
    return {"namespace": namespace, "name": name, "facets": facets}


def _schema_facet(columns: list[dict]) -> dict:
    return {
        "_producer": PRODUCER,
        "_schemaURL": f"{FACETS}SchemaDatasetFacet.json",
        "fields": [{"name": c["name"], "type": c["type"]} for c in columns],
    }


def _event(source, inputs, outputs) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": datetime.now(UTC).isoformat(),
        "producer": PRODUCER,
        "schemaURL": SCHEMA_URL,
        "run": {"runId": str(uuid.uuid4())},
        "job": {"namespace": "custodian-warehouse", "name": f"cdc.{source.name}"},
        "inputs": inputs,
        "outputs": outputs,
    }


def _send(source, events, reason) -> None:
    try:
        import_string(settings.CDC_CATALOG_SINK)(events=events, source=source.name, reason=reason)
    except Exception:  # the catalog being down must not stop capture; logged loudly
        logger.exception("CDC catalog sink failed for %s", source)


def capture_job(source, tables: list[str]) -> list[dict]:
    """The capture as a job: one event per table, source table → its raw lake dataset.

    One event per table, not one for all: the catalog derives an edge from every input to every
    output of an event, and `tenants` does not feed `raw/users`.
    """
    from warehouse.cdc.models import CdcSchemaVersion

    pg, db = _namespaces(source)
    latest = {}
    for row in CdcSchemaVersion.objects.filter(source=source).order_by("table", "version"):
        latest[row.table] = row
    events = [
        _event(
            source,
            [
                {
                    "namespace": pg,
                    "name": f"{db}.{v.source_table}",
                    "facets": {"schema": _schema_facet(v.columns)},
                }
            ],
            [_lake_dataset(table, {"schema": _schema_facet(v.columns)})],
        )
        for table, v in latest.items()
    ]
    _send(source, events, "snapshot")
    return events


def schema_changed(source, table, source_table, version, columns, changes) -> list[dict]:
    pg, db = _namespaces(source)
    facet = {
        "_producer": PRODUCER,
        "_schemaURL": f"{PRODUCER}/SchemaChangeFacet.json",
        "version": version,
        **changes,
    }
    events = [
        _event(
            source,
            [{"namespace": pg, "name": f"{db}.{source_table}", "facets": {"schema": _schema_facet(columns)}}],
            [_lake_dataset(table, {"schema": _schema_facet(columns), "custodian_schemaChange": facet})],
        )
    ]
    _send(source, events, "schema_change")
    return events
