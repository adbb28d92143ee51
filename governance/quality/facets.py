"""The checks of a run as OpenLineage events: one per checked dataset, carrying the standard
`dataQualityAssertions` and `dataQualityMetrics` input facets (validated in the tests against the
schemas vendored in catalog/openlineage/spec)."""

from __future__ import annotations

import uuid
from collections import defaultdict

from governance.models import CheckResult
from warehouse import lineage

VERSIONS = {"DataQualityAssertionsDatasetFacet": "1-1-0", "DataQualityMetricsInputDatasetFacet": "1-0-3"}


def quality_events(*, job_run_id: int, job_name: str) -> list[dict]:
    results = CheckResult.objects.filter(job_run_id=job_run_id).select_related("quality_check__dataset")
    by_dataset = defaultdict(list)
    for result in results.order_by("quality_check__dataset", "quality_check"):
        by_dataset[result.quality_check.dataset].append(result)
    return [_event(dataset, its, job_run_id, job_name) for dataset, its in by_dataset.items()]


def _event(dataset, results, job_run_id, job_name) -> dict:
    ran_at = max(r.ran_at for r in results)
    short = dataset.name.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
    parent = {
        "_producer": lineage.PRODUCER,
        "_schemaURL": f"{lineage.FACETS}1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet",
        "run": {"runId": lineage._uuid_for(job_run_id)},
        "job": {"namespace": lineage.NAMESPACE, "name": job_name},
    }
    run_id = uuid.uuid5(uuid.NAMESPACE_URL, f"custodian:quality:{job_run_id}:{dataset.pk}")
    return {
        "eventType": "COMPLETE" if all(r.status != CheckResult.Status.ERROR for r in results) else "FAIL",
        "eventTime": lineage._time(ran_at),
        "producer": lineage.PRODUCER,
        "schemaURL": lineage.SCHEMA_URL,
        "run": {"runId": str(run_id), "facets": {"parent": parent}},
        "job": {"namespace": lineage.NAMESPACE, "name": f"{short}.quality", "facets": {}},
        "inputs": [
            {
                "namespace": dataset.namespace,
                "name": dataset.name,
                "facets": {},
                "inputFacets": {
                    "dataQualityAssertions": assertions_facet(results),
                    "dataQualityMetrics": metrics_facet(results),
                },
            }
        ],
        "outputs": [],
    }


def _facet(kind: str, **fields) -> dict:
    url = f"{lineage.FACETS}{VERSIONS[kind]}/{kind}.json#/$defs/{kind}"
    return {"_producer": lineage.PRODUCER, "_schemaURL": url, **fields}


def assertions_facet(results) -> dict:
    assertions = []
    for result in results:
        check = result.quality_check
        item = {
            "assertion": check.check_type,
            "success": result.status == CheckResult.Status.PASS,
            "severity": check.severity,
            "name": str(check),
            "actual": result.message or "",
            "params": check.params or {},
        }
        if check.column:
            item["column"] = check.column
        if check.check_type == "custom_sql":
            item |= {"content": check.params.get("sql", ""), "contentType": "sql"}
        assertions.append(item)
    return _facet("DataQualityAssertionsDatasetFacet", assertions=assertions)


def metrics_facet(results) -> dict:
    rows = next((r.rows_checked for r in results if r.rows_checked is not None), None)
    columns: dict[str, dict] = defaultdict(dict)
    for result in results:
        check, failing = result.quality_check, result.failing_count
        if check.check_type == "not_null" and failing is not None:
            columns[check.column]["nullCount"] = failing
        if check.check_type == "not_null" and result.rows_checked is not None and failing is not None:
            columns[check.column]["count"] = result.rows_checked - failing
    fields = {"columnMetrics": dict(columns)}
    if rows is not None:
        fields["rowCount"] = rows
    return _facet("DataQualityMetricsInputDatasetFacet", **fields)
