"""Demo warehouse access for `manage.py seed_demo`, after the demo warehouse is built.

- Tenant keys: the demo customer organisations are the warehouse's tenants 1, 2, 3 … in the
  order `accounts.demo` lists them. The demo source simulates tenants 1..`warehouse.demo.TENANTS`
  (all of them have subscriptions), so every key points at rows the marts really hold.
- The demo auditor's engagement grant lists one mart, so the auditor policy (requires a grant)
  lets them read exactly that table.
- A few reads really go through `governed_read`, one per role, one of them denied, so the
  access log has rows to look at. They run once: a second seeding reads nothing.

Never used in production.
"""

import contextlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from accounts.demo import ORGANIZATIONS
from accounts.grants import access_grant_objects_add
from accounts.models import AccessGrant, Organization
from accounts.services import organization_upsert
from catalog.models import Dataset
from warehouse import config
from warehouse.demo import TENANTS
from warehouse.engine import EngineError
from warehouse.reads.catalog_lookup import catalog_identity
from warehouse.reads.models import AccessLog, TenantKey
from warehouse.reads.query import Aggregate, ReadDenied, ReadInvalid, ReadQuery
from warehouse.reads.service import governed_read

JOB = "seed_demo"
GRANTED_TABLE = "marts.mart_revenue_monthly"
# (username, purpose, query): what each demo role reads once
READS = [
    ("executive", AccessLog.Purpose.DASHBOARD, ReadQuery(table="marts.mart_revenue_monthly", limit=24)),
    ("steward", AccessLog.Purpose.PREVIEW, ReadQuery(table="curated.dim_user", limit=50)),
    ("customer", AccessLog.Purpose.CUSTOMER_PORTAL, ReadQuery(table="marts.mart_mrr_tenant_month", limit=24)),
    ("auditor", AccessLog.Purpose.AUDIT, ReadQuery(
        table=GRANTED_TABLE, aggregates=(Aggregate("count", None, "months"),))),
    ("submissions", AccessLog.Purpose.PREVIEW, ReadQuery(table="marts.mart_revenue_monthly", limit=50)),
]  # fmt: skip


def seed_warehouse_access() -> str:
    """Tenant keys, the auditor's granted mart, and the demo reads. Returns a one-line summary."""
    keys = tenant_keys_seed()
    granted = auditor_grant_seed()
    reads = demo_reads_seed()
    return f"{keys} tenant keys; auditor grant lists {granted or 'no mart (none built)'}; {reads}"


# Customers beyond the named demo organisations: believable names, so dashboards per tenant read
# as a customer list.
NAME_FIRST = (
    "Acacia",
    "Bristlecone",
    "Cobalt",
    "Dunmore",
    "Elmstead",
    "Fairhaven",
    "Granite",
    "Halcyon",
    "Ironwood",
    "Juniper",
    "Kestrel",
    "Larchmont",
    "Marlow",
    "Norland",
    "Oakridge",
    "Pinecrest",
    "Quarry",
    "Redwood",
    "Saltmarsh",
    "Thornbury",
    "Upland",
    "Vantage",
    "Westbrook",
    "Yarrow",
)
NAME_SECOND = ("Therapeutics", "Biosciences", "Diagnostics", "Laboratories", "Medical", "Biologics")


def demo_customer(index: int) -> dict:
    """The fields of the `index`-th generated demo customer organisation (0-based)."""
    # each round through the first words shifts the second, so the first 144 names are all distinct
    second = (index + index // len(NAME_FIRST)) % len(NAME_SECOND)
    name = f"{NAME_FIRST[index % len(NAME_FIRST)]} {NAME_SECOND[second]}"
    return {
        "slug": slugify(name),
        "name": name,
        "tier": _cycled(Organization.Tier, index),
        "icp_segment": _cycled(Organization.Segment, index),
        "region": _cycled(Organization.Region, index),
        "data_residency": _cycled(Organization.Residency, index),
    }


def _cycled(choices, index: int) -> str:
    return choices.values[index % len(choices.values)]


@transaction.atomic
def tenant_keys_seed() -> int:
    """One organisation per demo warehouse tenant, linked by its tenant key: the named demo
    customers first, then generated ones."""
    named = [spec["slug"] for spec in ORGANIZATIONS if not spec.get("is_internal")]
    for tenant_id in range(1, TENANTS + 1):
        if tenant_id <= len(named):
            organization = Organization.objects.get(slug=named[tenant_id - 1])
        else:
            organization, _ = organization_upsert(**demo_customer(tenant_id - len(named) - 1))
        TenantKey.objects.get_or_create(organization=organization, defaults={"tenant_id": tenant_id})
    return TenantKey.objects.count()


def auditor_grant_seed() -> str:
    """Add the granted mart to the demo auditor's live grants (idempotent)."""
    namespace, name = catalog_identity(GRANTED_TABLE, config.engine_config())
    dataset = Dataset.objects.filter(namespace=namespace, name=name, removed_at__isnull=True).first()
    if dataset is None:
        return ""
    for grant in AccessGrant.objects.filter(user__username="auditor").live():
        access_grant_objects_add(grant=grant, objects=[dataset])
    return GRANTED_TABLE


def demo_reads_seed() -> str:
    # Once: a second seeding leaves the log as it is (a read that failed is retried).
    if AccessLog.objects.filter(job=JOB, outcome=AccessLog.Outcome.ALLOWED).exists():
        return "demo reads already logged"
    users = get_user_model().objects.in_bulk([username for username, _, _ in READS], field_name="username")
    for username, purpose, query in READS:
        # A refusal or failure is logged by the read path: that row is the point.
        with contextlib.suppress(ReadDenied, ReadInvalid, EngineError):
            governed_read(user=users[username], purpose=purpose, query=query, job=JOB)
    logged = AccessLog.objects.filter(job=JOB)
    denied = logged.filter(outcome=AccessLog.Outcome.DENIED).count()
    return f"{logged.count()} demo reads logged ({denied} refused)"
