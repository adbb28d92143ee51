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
# Where facets sit in a RunEvent, and which facet maps they belong to.
FACET_PLACES = [("run", "facets"), ("job", "facets")]
DATASET_FACET_MAPS = {"inputs": ("facets", "inputFacets"), "outputs": ("facets", "outputFacets")}


@cache
def _schemas() -> tuple[Registry, dict[str, dict]]:
    """The registry of every spec file, and facet schemas by facet key (e.g. 'schema')."""
    registry = Registry()
    facets = {}
    for path in sorted(SPEC_DIR.glob("*.json")):
        document = json.loads(path.read_text())
        registry = registry.with_resource(document["$id"], Resource.from_contents(document))
        for key in document.get("properties", {}):
            facets[key] = document
    return registry, facets


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


def _facet_errors(facet_map, prefix: list) -> list[str]:
    if not isinstance(facet_map, dict):
        return []
    _, known = _schemas()
    errors = []
    for key, facet in facet_map.items():
        if key in known:
            validator = _validator(known[key]["$id"])
            errors += _errors(validator, {key: facet}, prefix)
    return errors


def _all_facet_errors(event: dict) -> list[str]:
    errors = []
    for entity, field in FACET_PLACES:
        errors += _facet_errors((event.get(entity) or {}).get(field), [entity, field])
    for side, fields in DATASET_FACET_MAPS.items():
        for index, dataset in enumerate(event.get(side) or []):
            for field in fields:
                errors += _facet_errors((dataset or {}).get(field), [side, index, field])
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
