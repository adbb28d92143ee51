"""OpenLineage RunEvents for each warehouse run, handed to a configurable sink.

For every model and snapshot dbt ran: a START and a COMPLETE (or FAIL) event, whose run has
the JobRun as parent; inputs are the node's parents (lake sources or models), the output is
its table with its schema, row count and — for the curated star schema — column lineage.
Column lineage comes from what the project declares: a column fed by a parent column of the
same name is an identity edge; `meta.lineage` on a column in the model's YAML names the parent
columns of a derived one.

The sink is `settings.WAREHOUSE_LINEAGE_SINK`, a dotted path to a callable called once per run:

    sink(events=[...RunEvent dicts...], manifest_path="…/manifest.json",
         run_results_path="…/run_results.json", job_run_id=42)
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

PRODUCER = "https://github.com/custodian/custodian/warehouse"
SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
FACETS = "https://openlineage.io/spec/facets/"
NAMESPACE = "custodian-warehouse"
STAR_SCHEMA = "curated"


def log_sink(*, events, manifest_path, run_results_path, job_run_id):
    """Default sink: log what would be sent (the lead points the setting at the catalog)."""
    logger.info("Job run %s: %d lineage events; artifacts %s, %s",
                job_run_id, len(events), manifest_path, run_results_path)  # fmt: skip


def layer_of(unique_id: str) -> str:
    kind, _, name = unique_id.split(".", 2)
    if kind == "snapshot":
        return "snapshots"
    prefix = name.split("_", 1)[0]
    return {"stg": "cleansed", "fact": "curated", "dim": "curated", "mart": "marts"}.get(prefix, "other")


def emit_for_run(run, result, extra_events=()) -> list[dict]:
    """`extra_events`: events of the run's other steps (the quality checks' assertions)."""
    if not result.manifest_path:
        return []
    with open(result.manifest_path) as fh:
        manifest = json.load(fh)
    from warehouse import config

    with config.engine() as engine:
        events = build_events(manifest, result.nodes, parent_run_id=_uuid_for(run.pk), job_name=run.job,
                              datasets=dataset_namer(), columns_of=column_reader(engine))  # fmt: skip
    events += list(extra_events)
    try:
        sink = import_string(settings.WAREHOUSE_LINEAGE_SINK)
        sink(events=events, manifest_path=result.manifest_path,
             run_results_path=result.run_results_path, job_run_id=run.pk)  # fmt: skip
    except Exception:  # a lineage outage must not fail the data run; it is logged loudly
        logger.exception("Lineage sink %s failed for job run %s", settings.WAREHOUSE_LINEAGE_SINK, run.pk)
    return events


def dataset_namer():
    """(namespace, name) of a dbt node, exactly as the catalog's dbt import names it.

    Both go through `catalog.naming`, so a table reported by this run's events and by its dbt
    artifacts is one dataset; on DuckDB the sources are the lake's files, as change capture names them.
    """
    from catalog.naming import dbt_node_dataset

    def name(node: dict) -> tuple[str, str]:
        return dbt_node_dataset(node, settings.WAREHOUSE_BACKEND)

    return name


def column_reader(engine):
    """Column names and types of a node: raw schemas for lake sources, the engine for tables."""
    from warehouse.source import RAW_SCHEMAS

    cache = {}

    def columns_of(node: dict) -> dict[str, str]:
        if node["resource_type"] == "source":
            schema = RAW_SCHEMAS.get(node["name"])
            return {f.name: str(f.type) for f in schema} if schema else {}
        key = f"{node['schema']}.{node.get('alias') or node['name']}"
        if key not in cache:
            try:
                cache[key] = {c.name: c.type for c in engine.describe(key)}
            except Exception:
                cache[key] = {}
        return cache[key]

    return columns_of


def build_events(manifest: dict, outcomes, *, parent_run_id: str, job_name: str, datasets,
                 columns_of) -> list[dict]:  # fmt: skip
    nodes = {**manifest["nodes"], **manifest["sources"]}
    events = []
    for outcome in outcomes:
        node = nodes.get(outcome.unique_id)
        if node is None or node["resource_type"] not in {"model", "snapshot"}:
            continue
        parents = [nodes[p] for p in node["depends_on"]["nodes"] if p in nodes]
        run_id = str(uuid.uuid4())
        job = {"namespace": NAMESPACE, "name": f"{node['name']}",
               "facets": {"jobType": _facet("JobTypeJobFacet", processingType="BATCH", integration="DBT",
                                            jobType=node["resource_type"].upper())}}  # fmt: skip
        inputs = [_dataset(datasets(p)) for p in parents]
        run_facets = {"parent": _facet("ParentRunFacet", run={"runId": parent_run_id},
                                       job={"namespace": NAMESPACE, "name": job_name})}  # fmt: skip
        base = {"producer": PRODUCER, "schemaURL": SCHEMA_URL, "job": job, "inputs": inputs}
        now = _now()
        began, ended = _time(outcome.started_at) or now, _time(outcome.completed_at) or now
        start_run = {"runId": run_id, "facets": run_facets}
        events.append({**base, "eventType": "START", "eventTime": began, "run": start_run,
                       "outputs": [_dataset(datasets(node))]})  # fmt: skip
        ok = outcome.status == "success"
        end_facets = dict(run_facets)
        if not ok:
            message = outcome.message or outcome.status
            end_facets["errorMessage"] = _facet(
                "ErrorMessageRunFacet", message=message, programmingLanguage="SQL"
            )
        output = _output(node, parents, outcome, datasets, columns_of) if ok else _dataset(datasets(node))
        events.append({**base, "eventType": "COMPLETE" if ok else "FAIL", "eventTime": ended,
                       "run": {"runId": run_id, "facets": end_facets}, "outputs": [output]})  # fmt: skip
    return events


def _output(node, parents, outcome, datasets, columns_of) -> dict:
    out = _dataset(datasets(node))
    columns = columns_of(node)
    if columns:
        described = node.get("columns") or {}
        out["facets"]["schema"] = _facet("SchemaDatasetFacet", fields=[
            {"name": c, "type": t, "description": (described.get(c) or {}).get("description") or ""}
            for c, t in columns.items()])  # fmt: skip
    if outcome.rows is not None:
        out["outputFacets"] = {
            "outputStatistics": _facet("OutputStatisticsOutputDatasetFacet", rowCount=outcome.rows)
        }
    if node.get("schema") == STAR_SCHEMA:
        fields = column_lineage(node, parents, datasets, columns_of)
        if fields:
            out["facets"]["columnLineage"] = _facet("ColumnLineageDatasetFacet", fields=fields)
    return out


def column_lineage(node, parents, datasets, columns_of) -> dict:
    """Output column → input fields: declared `meta.lineage`, else the same-named parent column."""
    declared_meta = node.get("columns") or {}
    fields = {}
    for name in columns_of(node):
        declared = ((declared_meta.get(name) or {}).get("meta") or {}).get("lineage")
        subtype = "TRANSFORMATION" if declared else "IDENTITY"
        inputs = [
            {"namespace": ns, "name": ds, "field": source_column,
             "transformations": [{"type": "DIRECT", "subtype": subtype}]}
            for parent in parents
            for ns, ds in [datasets(parent)]
            for source_column in (declared or [name])
            if source_column in columns_of(parent)
        ]  # fmt: skip
        if inputs:
            fields[name] = {"inputFields": inputs}
    return fields


def _dataset(namespaced) -> dict:
    namespace, name = namespaced
    return {"namespace": namespace, "name": name, "facets": {}}


FACET_VERSIONS = {
    "JobTypeJobFacet": "2-0-4", "ParentRunFacet": "1-2-0", "ErrorMessageRunFacet": "1-0-1",
    "SchemaDatasetFacet": "1-2-0", "OutputStatisticsOutputDatasetFacet": "1-0-2",
    "ColumnLineageDatasetFacet": "1-2-0",
}  # fmt: skip


def _facet(kind: str, **fields) -> dict:
    url = f"{FACETS}{FACET_VERSIONS[kind]}/{kind}.json#/$defs/{kind}"
    return {"_producer": PRODUCER, "_schemaURL": url, **fields}


def _now() -> str:
    return _time(datetime.now(UTC))


def _time(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def _uuid_for(pk: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"custodian:warehouse:jobrun:{pk}"))
