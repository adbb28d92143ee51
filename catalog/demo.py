"""Demo catalog for `manage.py seed_demo`: a small lineage chain, glossary terms, PII suggestions.

Idempotent: events are fixed (so ingestion sees repeats), and terms and classifications are
only created when missing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model

from catalog.models import Classification, Column, Dataset, GlossaryTerm, System
from catalog.naming import file_dataset, relation_namespace
from catalog.services import (
    column_attach_term,
    column_classify,
    dataset_update,
    glossary_term_approve,
    glossary_term_create,
    glossary_term_submit,
    lineage_event_ingest,
    pii_scan,
)
from catalog.services.warehouse_levels import warehouse_levels_apply

PRODUCER = "https://github.com/custodian/custodian/demo"
OPERATIONAL = "postgres://workorders-db:5432"
HOPS = [
    # (job, input (namespace, name), output (namespace, name), output column that masks the e-mail);
    # "lake" and "duckdb" stand for the lake's and the warehouse's namespaces (see _identity)
    ("cdc_users", (OPERATIONAL, "workorders.public.users"), ("lake", "raw/users"), None),
    ("cleanse_users", ("lake", "raw/users"), ("duckdb", "warehouse.cleansed.users"), None),
    (
        "build_dim_user",
        ("duckdb", "warehouse.cleansed.users"),
        ("duckdb", "warehouse.curated.dim_user"),
        "email_hash",
    ),
    (
        "build_engagement",
        ("duckdb", "warehouse.curated.dim_user"),
        ("duckdb", "warehouse.mart.engagement"),
        None,
    ),
]
COLUMNS = ["user_id", "email", "full_name", "date_of_birth", "tenant_id"]
TERMS = [
    ("Tenant", "A customer organisation that subscribes to the work-order product."),
    ("User", "A person who signs in to the work-order product on behalf of a tenant."),
    ("Work order", "A unit of maintenance work on an asset, from request to completion."),
]


def _facet(name, body):
    return {
        name: {"_producer": PRODUCER, "_schemaURL": f"https://openlineage.io/spec/facets/{name}.json", **body}
    }


def _columns_of(index):
    return ["user_id", "email_hash", "tenant_id"] if index >= 3 else COLUMNS


def _event(index, job, source, target, masked):
    inputs, outputs = _columns_of(index), _columns_of(index + 1)
    lineage = {}
    for column in outputs:
        origin = "email" if column == "email_hash" and masked else column
        step = {"type": "DIRECT", "subtype": "TRANSFORMATION" if origin != column else "IDENTITY"}
        step["masking"] = origin != column
        lineage[column] = {
            "inputFields": [
                {"namespace": source[0], "name": source[1], "field": origin, "transformations": [step]}
            ]
        }
    return {
        "eventType": "COMPLETE",
        "eventTime": f"2026-11-01T0{index}:00:00Z",
        "producer": PRODUCER,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": f"0196a1f2-0000-7000-8000-00000000000{index}"},
        "job": {"namespace": "custodian-demo", "name": job},
        "inputs": [
            {
                "namespace": source[0],
                "name": source[1],
                "facets": _facet("schema", {"fields": [{"name": c} for c in inputs]}),
            }
        ],
        "outputs": [
            {
                "namespace": target[0],
                "name": target[1],
                "facets": {
                    **_facet("schema", {"fields": [{"name": c} for c in outputs]}),
                    **_facet("columnLineage", {"fields": lineage}),
                },
            }
        ],
    }


def _identity(dataset: tuple[str, str]) -> tuple[str, str]:
    """The lake's folders and the warehouse's tables named as their own producers name them."""
    kind, name = dataset
    if kind == "lake":
        return file_dataset(f"{settings.LAKE_URL.rstrip('/')}/{name}")
    return relation_namespace(kind), name


def _terms(steward, reviewer):
    for name, definition in TERMS:
        if GlossaryTerm.objects.filter(name=name).exists():
            continue
        term = glossary_term_create(name=name, definition=definition, owner=steward, actor=steward)
        term = glossary_term_submit(term=term, actor=steward)
        glossary_term_approve(term=term, actor=reviewer)


def seed_catalog(*, steward=None, reviewer=None) -> None:
    User = get_user_model()
    steward = steward or User.objects.get(username="steward")
    reviewer = reviewer or User.objects.get(username="compliance")
    System.objects.get_or_create(
        name="Work-order PostgreSQL",
        defaults={"kind": System.Kind.OPERATIONAL, "storage_region": "us-central1"},
    )
    for index, (job, source, target, masked) in enumerate(HOPS):
        event = _event(index, job, _identity(source), _identity(target), masked)
        lineage_event_ingest(event=event, actor=steward)
    _terms(steward, reviewer)
    users = Column.objects.filter(dataset__namespace=OPERATIONAL, dataset__name="workorders.public.users")
    email = users.get(name="email")
    if email.classification is None:
        column_classify(
            column=email,
            classification=Classification.objects.get(code="L3"),
            pii_category="direct_identifier",
            actor=steward,
        )
        column_attach_term(
            column=users.get(name="user_id"), term=GlossaryTerm.objects.get(name="User"), actor=steward
        )
    pii_scan(columns=users.exclude(name="email"), actor=steward)
    _levels(users, steward)


# The steward's levels for the rest of the chain, so every warehouse column derives one.
OPERATIONAL_LEVELS = {"user_id": "L2", "tenant_id": "L2", "full_name": "L3", "date_of_birth": "L3"}
DEMO_TABLES = ["warehouse.cleansed.users", "warehouse.mart.engagement"]


def _levels(users, steward) -> None:
    codes = {c.code: c for c in Classification.objects.all()}
    for column in users.filter(name__in=OPERATIONAL_LEVELS, classification__isnull=True):
        column_classify(column=column, classification=codes[OPERATIONAL_LEVELS[column.name]], actor=steward)
    namespace = relation_namespace("duckdb")
    for dataset in Dataset.objects.filter(
        namespace=namespace, name__in=DEMO_TABLES, classification__isnull=True
    ):
        dataset_update(dataset=dataset, classification=codes["L2"], actor=steward)
    warehouse_levels_apply()
