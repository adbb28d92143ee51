import json
import uuid
from itertools import pairwise
from pathlib import Path

import factory
from django.conf import settings

from catalog.models import Classification, Column, ColumnLineageEdge, Dataset, Job, LineageEdge, System

# The OpenLineage spec's own schemas and example event (shared/ beside the repository).
OPENLINEAGE_REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "openlineage-spec"


def example_run_event() -> dict:
    """The spec's complete example RunEvent, as the shared reference holds it."""
    return json.loads((OPENLINEAGE_REFERENCE / "example-runevent.json").read_text())


def level(code: str) -> Classification:
    return Classification.objects.get(code=code)


class SystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = System

    name = factory.Sequence(lambda n: f"System {n}")
    kind = System.Kind.WAREHOUSE
    storage_region = "us-central1"


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    namespace = "duckdb"
    name = factory.Sequence(lambda n: f"warehouse.main.table_{n}")
    layer = Dataset.Layer.CURATED


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column

    dataset = factory.SubFactory(DatasetFactory)
    name = factory.Sequence(lambda n: f"column_{n}")
    data_type = "VARCHAR"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    namespace = "warehouse"
    name = factory.Sequence(lambda n: f"job_{n}")


def chain(*datasets, job=None):
    """Table edges d0 -> d1 -> d2 ... through one job."""
    job = job or JobFactory()
    for upstream, downstream in pairwise(datasets):
        LineageEdge.objects.create(input_dataset=upstream, output_dataset=downstream, job=job)
    return job


def column_edge(source, target, *, job=None, masking=False, subtype="IDENTITY", kind="DIRECT"):
    return ColumnLineageEdge.objects.create(
        input_column=source,
        output_column=target,
        job=job or JobFactory(),
        transformation_type=kind,
        subtype=subtype,
        masking=masking,
    )


def run_event(event_type="COMPLETE", run_id=None, **overrides):
    """A minimal valid RunEvent: cleansed.customers -> curated.dim_customer with column lineage."""
    field = {"namespace": "duckdb", "name": "warehouse.cleansed.customers"}
    event = {
        "eventType": event_type,
        "eventTime": "2026-11-27T05:00:00Z",
        "producer": "https://example.test/custodian-tests",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run_id or str(uuid.uuid4())},
        "job": {"namespace": "warehouse", "name": "build_dim_customer"},
        "inputs": [{**field, "facets": _schema(["id", "email"])}],
        "outputs": [
            {
                "namespace": "duckdb",
                "name": "warehouse.curated.dim_customer",
                "facets": {
                    **_schema(["customer_id", "email_hash"]),
                    "columnLineage": {
                        "_producer": "https://example.test/custodian-tests",
                        "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
                        "fields": {
                            "customer_id": {"inputFields": [{**field, "field": "id"}]},
                            "email_hash": {
                                "inputFields": [
                                    {
                                        **field,
                                        "field": "email",
                                        "transformations": [
                                            {"type": "DIRECT", "subtype": "TRANSFORMATION", "masking": True}
                                        ],
                                    }
                                ]
                            },
                        },
                    },
                },
            }
        ],
    }
    event.update(overrides)
    return event


def _schema(names):
    return {
        "schema": {
            "_producer": "https://example.test/custodian-tests",
            "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json",
            "fields": [{"name": n, "type": "VARCHAR"} for n in names],
        }
    }
