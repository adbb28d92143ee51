"""Validate OpenLineage RunEvents against the spec schemas in `spec/`, offline.

Errors are strings that start with the JSON path of the bad field, e.g.
`run.runId: 'x' is not a 'uuid'`, so a producer can see at once what to fix.
"""

import json
import re
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

SPEC_DIR = Path(__file__).with_name("spec")
CORE_ID = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
SUPPORTED_MAJOR_VERSIONS = {"1", "2"}
SCHEMA_URL_VERSION = re.compile(r"/spec/(\d+)-(\d+)-(\d+)/OpenLineage\.json")
CORE_FACET = re.compile(r"/OpenLineage\.json#/\$defs/(\w+Facet)$")
# Where facet maps sit in a RunEvent, and the core facet type every facet in that map extends.
RUN_FACET_MAPS = {("run", "facets"): "RunFacet", ("job", "facets"): "JobFacet"}
DATASET_FACET_MAPS = {
    "inputs": {"facets": "DatasetFacet", "inputFacets": "InputDatasetFacet"},
    "outputs": {"facets": "DatasetFacet", "outputFacets": "OutputDatasetFacet"},
}


@cache
def _schemas() -> tuple[Registry, dict[tuple[str, str], str]]:
    """The registry of every spec file, and the standard facets by (core facet type, key).

    A key alone is ambiguous (`documentation`, `ownership` and `tags` exist for jobs and for
    datasets, `dataQualityMetrics` as a dataset and an input facet), so each facet's schema is
    found by the core type its definition extends, e.g. ("JobFacet", "documentation").
    """
    registry = Registry()
    facets = {}
    for path in sorted(SPEC_DIR.glob("*.json")):
        document = json.loads(path.read_text())
        registry = registry.with_resource(document["$id"], Resource.from_contents(document))
        for key, schema in document.get("properties", {}).items():
            for core, pointer in _facet_definitions(document, schema).items():
                facets[core, key] = f"{document['$id']}{pointer}"
    return registry, facets


def _facet_definitions(document: dict, schema: dict, pointer: str = "") -> dict[str, str]:
    """{core facet type: JSON pointer of the definition extending it} under `schema`."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return _facet_definitions(document, document["$defs"][ref.removeprefix("#/$defs/")], ref)
    found = {}
    for alternative in schema.get("oneOf", []) + schema.get("anyOf", []):
        found |= _facet_definitions(document, alternative)
    for part in schema.get("allOf", []):
        core = CORE_FACET.search(part.get("$ref", ""))
        if core and pointer:
            found[core.group(1)] = pointer
    return found


def standard_facets() -> dict[tuple[str, str], str]:
    """(core facet type, facet key) -> the `$id#pointer` of the schema it is validated against."""
    return dict(_schemas()[1])


@cache
def _validator(schema_ref: str) -> Draft202012Validator:
    registry, _ = _schemas()
    return Draft202012Validator({"$ref": schema_ref}, registry=registry, format_checker=FormatChecker())


def _errors(validator, instance, prefix: list) -> list[str]:
    found = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        path = ".".join(str(p) for p in [*prefix, *error.absolute_path]) or "(event)"
        found.append(f"{path}: {error.message}")
    return found


def _schema_version_errors(event: dict) -> list[str]:
    url = event.get("schemaURL")
    if not isinstance(url, str):
        return []  # the schema check reports a missing or mistyped schemaURL
    match = SCHEMA_URL_VERSION.search(url)
    if not match:
        return [f"schemaURL: {url!r} does not name an OpenLineage spec version"]
    if match.group(1) not in SUPPORTED_MAJOR_VERSIONS:
        version = "-".join(match.groups())
        return [f"schemaURL: unsupported OpenLineage spec version {version} (supported: 1.x, 2.x)"]
    return []


def _facet_errors(facet_map, core: str, prefix: list) -> list[str]:
    """Each standard facet against its schema; custom facets only as the core schema says."""
    if not isinstance(facet_map, dict):
        return []
    _, standard = _schemas()
    errors = []
    for key, facet in facet_map.items():
        if (core, key) in standard:
            errors += _errors(_validator(standard[core, key]), facet, [*prefix, key])
    return errors


def _all_facet_errors(event: dict) -> list[str]:
    errors = []
    for (entity, field), core in RUN_FACET_MAPS.items():
        errors += _facet_errors((event.get(entity) or {}).get(field), core, [entity, field])
    for side, maps in DATASET_FACET_MAPS.items():
        for index, dataset in enumerate(event.get(side) or []):
            for field, core in maps.items():
                errors += _facet_errors((dataset or {}).get(field), core, [side, index, field])
    return errors


def run_event_errors(event) -> list[str]:
    """Every problem with `event` as an OpenLineage RunEvent; empty when it is valid."""
    if not isinstance(event, dict):
        return ["(event): must be a JSON object"]
    if "run" not in event and ("dataset" in event or "job" in event):
        return ["(event): only RunEvents are accepted here (this is a DatasetEvent or JobEvent)"]
    errors = _errors(_validator(f"{CORE_ID}#/$defs/RunEvent"), event, [])
    errors += _schema_version_errors(event)
    if not errors:
        errors += _all_facet_errors(event)
    return errors
