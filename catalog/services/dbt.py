"""Import a dbt `manifest.json` (schema v12) and optionally `run_results.json`.

Naming (catalog.naming): a dbt relation becomes the dataset `<database>.<schema>.<alias or
identifier>` in its adapter's namespace (`bigquery`; DuckDB's is `settings.WAREHOUSE_NAMESPACE`),
and a source read from files is named as those files; the warehouse's run events use the same
function, so both name one table alike.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.dateparse import parse_datetime

from catalog.models import DataCheck, Dataset, Job, LineageEdge, Source
from catalog.naming import dbt_node_dataset
from catalog.services.datasets import dataset_upsert
from catalog.services.dbt_columns import (
    catalog_relations,
    check_catalog,
    dbt_columns_import,
    declared_level,
    meta_classification,
    node_meta,
    undeclared_levels_clear,
)
from catalog.services.dbt_removed import dbt_mark_removed

RELATION_TYPES = {"model", "seed", "snapshot"}
SUPPORTED_SCHEMAS = ("https://schemas.getdbt.com/dbt/manifest/v12.json",)


class DbtImportError(ValueError):
    """The file is not a dbt manifest we can import; nothing was written."""


@dataclass
class DbtImportReport:
    datasets_created: int = 0
    datasets_updated: int = 0
    columns: int = 0
    edges: int = 0
    checks: int = 0
    results: int = 0
    datasets_removed: int = 0
    columns_removed: int = 0
    checks_removed: int = 0
    catalog_used: bool = False
    skipped: list[str] = field(default_factory=list)


def _read(path, what: str) -> dict:
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise DbtImportError(f"{what}: cannot read {path}: {error}") from None
    if not isinstance(document, dict):
        raise DbtImportError(f"{what}: {path} does not hold a JSON object")
    return document


def _check_manifest(manifest: dict) -> str:
    version = (manifest.get("metadata") or {}).get("dbt_schema_version")
    if version not in SUPPORTED_SCHEMAS:
        raise DbtImportError(f"manifest: dbt_schema_version {version!r} is not supported (need manifest v12)")
    for key in ("nodes", "sources", "parent_map"):
        if not isinstance(manifest.get(key), dict):
            raise DbtImportError(f"manifest: '{key}' is missing")
    return manifest["metadata"].get("adapter_type") or "dbt"


def _layer(node: dict) -> str:
    meta_layer = node_meta(node).get("layer")
    if meta_layer in Dataset.Layer.values:
        return meta_layer
    if node["resource_type"] in ("source", "seed"):
        return Dataset.Layer.RAW
    path = "/".join(node.get("fqn") or []).lower()
    for word, layer in (("staging", "cleansed"), ("mart", "mart"), ("intermediate", "curated")):
        if word in path:
            return layer
    return Dataset.Layer.CURATED


def _dataset(
    node: dict, adapter: str, report: DbtImportReport, entries: dict, current: set, declared
) -> Dataset:
    namespace, name = dbt_node_dataset(node, adapter)
    meta = node_meta(node)
    level = declared_level(Dataset.objects.filter(namespace=namespace, name=name).first(), meta)
    dataset, created = dataset_upsert(
        namespace=namespace,
        name=name,
        source=Source.DBT,
        dbt_unique_id=_node_id(namespace, name, node["unique_id"], current),
        description=node.get("description") or None,
        layer=_layer(node),
        tags=sorted(node.get("tags") or []) or None,
        **level,
    )
    if meta_classification(meta) is not None:
        declared.add(dataset.pk)
    report.datasets_created += created
    report.datasets_updated += not created
    imported, removed = dbt_columns_import(
        dataset=dataset, node=node, entry=entries.get(node["unique_id"]), declared=declared
    )
    report.columns += imported
    report.columns_removed += removed
    return dataset


def _node_id(namespace: str, name: str, unique_id: str, current: set) -> str | None:
    """The node to record on the dataset; None keeps the recorded one while the project has it.

    A seed and the source that reads it are one table: without this they would take turns.
    """
    recorded = Dataset.objects.filter(namespace=namespace, name=name).values_list("dbt_unique_id", flat=True)
    return None if recorded.first() in current else unique_id


def _edges(manifest, datasets, report):
    for unique_id, node in manifest["nodes"].items():
        if unique_id not in datasets:
            continue
        job, _ = Job.objects.get_or_create(namespace="dbt", name=unique_id)
        for parent in (node.get("depends_on") or {}).get("nodes") or []:
            if parent in datasets:
                LineageEdge.objects.get_or_create(
                    input_dataset=datasets[parent], output_dataset=datasets[unique_id], job=job
                )
                report.edges += 1


def _checks(manifest, datasets, report):
    for unique_id, node in manifest["nodes"].items():
        if node.get("resource_type") != "test":
            continue
        attached = node.get("attached_node") or next(
            (p for p in manifest["parent_map"].get(unique_id, []) if p in datasets), None
        )
        if attached not in datasets:
            report.skipped.append(f"{unique_id}: tests nothing in the catalog")
            continue
        dataset = datasets[attached]
        column_name = node.get("column_name") or ((node.get("test_metadata") or {}).get("kwargs") or {}).get(
            "column_name"
        )
        DataCheck.objects.update_or_create(
            unique_id=unique_id,
            defaults={
                "dataset": dataset,
                "column": dataset.columns.filter(name=column_name).first() if column_name else None,
                "name": node["name"],
                "test_type": (node.get("test_metadata") or {}).get("name") or "singular",
                "severity": str((node.get("config") or {}).get("severity") or "").lower(),
                "source": "dbt",
                "removed_at": None,
            },
        )
        report.checks += 1


def _results(run_results: dict, report):
    when = parse_datetime((run_results.get("metadata") or {}).get("generated_at") or "")
    for result in run_results.get("results") or []:
        updated = DataCheck.objects.filter(unique_id=result.get("unique_id")).update(
            last_status=result.get("status") or "",
            last_failures=result.get("failures"),
            last_message=result.get("message") or "",
            last_run_at=when,
        )
        report.results += updated


def _read_catalog(catalog_path, manifest_path) -> dict | None:
    """The given catalog.json, else the one `dbt docs generate` wrote beside the manifest, if any."""
    if catalog_path is None:
        beside = Path(manifest_path).with_name("catalog.json")
        if not beside.exists():
            return None
        catalog_path = beside
    catalog = _read(catalog_path, "catalog")
    problem = check_catalog(catalog)
    if problem:
        raise DbtImportError(f"catalog: {catalog_path}: {problem}")
    return catalog


def dbt_import(manifest_path, run_results_path=None, *, actor, catalog_path=None) -> DbtImportReport:
    """Import models, sources, columns, descriptions, lineage and tests; results if given.

    `catalog_path` (default: `catalog.json` beside the manifest, when there) adds every column
    with its type, documented or not. What the project no longer has (a model deleted or
    disabled, a column the catalog lacks, a test) is marked removed, not deleted, and comes
    back when it returns. Re-importing the same files changes nothing. A bad file raises
    DbtImportError, writing nothing.
    """
    manifest = _read(manifest_path, "manifest")
    adapter = _check_manifest(manifest)
    run_results = _read(run_results_path, "run results") if run_results_path else None
    if run_results is not None and not isinstance(run_results.get("results"), list):
        raise DbtImportError("run results: 'results' is missing")
    catalog = _read_catalog(catalog_path, manifest_path)
    report = DbtImportReport(catalog_used=catalog is not None)
    nodes = {**manifest["sources"], **manifest["nodes"]}
    relations = {uid: n for uid, n in nodes.items() if n.get("resource_type") in RELATION_TYPES | {"source"}}
    entries, current = catalog_relations(catalog), set(relations)
    with transaction.atomic():
        declared: set = set()  # the levels this import's nodes declare: datasets and (dataset, column)
        datasets = {
            uid: _dataset(node, adapter, report, entries, current, declared)
            for uid, node in relations.items()
        }
        undeclared_levels_clear(datasets=set(datasets.values()), declared=declared)
        _edges(manifest, datasets, report)
        _checks(manifest, datasets, report)
        report.datasets_removed, report.checks_removed = dbt_mark_removed(
            manifest=manifest, current={d.pk for d in datasets.values()}
        )
        if run_results is not None:
            _results(run_results, report)
    return report
