"""Every standard OpenLineage facet an event carries is checked against the spec's own schema."""

import json

import pytest

from catalog.models import LineageEvent
from catalog.openlineage.validation import SPEC_DIR, standard_facets
from catalog.tests.factories import OPENLINEAGE_REFERENCE as REFERENCE
from catalog.tests.factories import example_run_event, run_event

PRODUCER = "https://example.test/custodian-tests"


def _facet(schema, **fields):
    url = f"https://openlineage.io/spec/facets/1-0-0/{schema}.json"
    return {"_producer": PRODUCER, "_schemaURL": url, **fields}


def _post(client, bearer, event):
    return client.post("/api/v1/lineage", json.dumps(event), content_type="application/json", **bearer)


def test_every_reference_schema_is_vendored_byte_identical():
    reference = sorted(path.name for path in REFERENCE.glob("*.json") if path.name != "example-runevent.json")
    assert len(reference) == 39  # the core schema and the 38 standard facets
    for name in reference:
        assert (SPEC_DIR / name).read_bytes() == (REFERENCE / name).read_bytes(), name


def test_every_standard_facet_schema_is_used_for_validation():
    used = {ref.split("#")[0] for ref in standard_facets().values()}
    for path in REFERENCE.glob("*Facet.json"):
        assert json.loads(path.read_text())["$id"] in used, path.name


def _with(place: str, key: str, facet: dict) -> dict:
    event = run_event()
    if place in ("run", "job"):
        event[place]["facets"] = {key: facet}
    elif place == "input":
        event["inputs"][0]["facets"][key] = facet
    elif place == "inputFacets":
        event["inputs"][0]["inputFacets"] = {key: facet}
    elif place == "outputFacets":
        event["outputs"][0]["outputFacets"] = {key: facet}
    else:
        event["outputs"][0]["facets"][key] = facet
    return event


MALFORMED = [
    # (where, facet key, facet, the field the error names)
    (
        "output",
        "documentation",
        _facet("DocumentationDatasetFacet", description=42),
        "facets.documentation.description",
    ),
    ("job", "documentation", _facet("DocumentationJobFacet"), "job.facets.documentation"),
    ("input", "symlinks", _facet("SymlinksDatasetFacet", identifiers=[{"namespace": "file"}]), "symlinks"),
    ("run", "processing_engine", _facet("ProcessingEngineRunFacet", name="dbt"), "processing_engine"),
    (
        "run",
        "environmentVariables",
        _facet("EnvironmentVariablesRunFacet", environmentVariables="PATH"),
        "environmentVariables",
    ),
    ("job", "sourceCodeLocation", _facet("SourceCodeLocationJobFacet", type="git"), "sourceCodeLocation"),
    ("output", "datasetType", _facet("DatasetTypeDatasetFacet", datasetType=["TABLE"]), "datasetType"),
    (
        "inputFacets",
        "inputStatistics",
        _facet("InputStatisticsInputDatasetFacet", rowCount="many"),
        "inputStatistics.rowCount",
    ),
    ("outputFacets", "subset", _facet("BaseSubsetDatasetFacet"), "outputFacets.subset"),
    ("run", "tags", _facet("TagsRunFacet", tags=[{"key": "team"}]), "run.facets.tags"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("place", "key", "facet", "named"), MALFORMED, ids=[m[1] for m in MALFORMED])
def test_malformed_standard_facet_is_refused_naming_it(client, bearer, place, key, facet, named):
    response = _post(client, bearer, _with(place, key, facet))
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert errors and all(named in error for error in errors), errors
    assert not LineageEvent.objects.exists()


SYMLINK = {"namespace": "file", "name": "/lake/raw/customers", "type": "TABLE"}
WELL_FORMED = [
    ("output", "documentation", _facet("DocumentationDatasetFacet", description="Customers, one row each.")),
    ("job", "documentation", _facet("DocumentationJobFacet", description="Builds dim_customer.")),
    ("input", "symlinks", _facet("SymlinksDatasetFacet", identifiers=[SYMLINK])),
    ("run", "processing_engine", _facet("ProcessingEngineRunFacet", version="1.10.1", name="dbt")),
    ("inputFacets", "inputStatistics", _facet("InputStatisticsInputDatasetFacet", rowCount=12)),
    ("run", "custodian_batch", _facet("CustodianBatchRunFacet", anything=["goes", 1])),  # a custom facet
]


@pytest.mark.django_db
@pytest.mark.parametrize(("place", "key", "facet"), WELL_FORMED, ids=[w[1] for w in WELL_FORMED])
def test_well_formed_and_custom_facets_are_accepted(client, bearer, place, key, facet):
    response = _post(client, bearer, _with(place, key, facet))
    assert response.status_code == 201, response.json()


@pytest.mark.django_db
def test_the_specs_example_event_is_accepted(client, bearer):
    response = _post(client, bearer, example_run_event())
    assert response.status_code == 201, response.json()
