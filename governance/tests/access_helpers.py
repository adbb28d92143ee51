"""A small warehouse in the catalog, access policies on it, and logged reads (issue 16 tests)."""

from datetime import datetime

from django.contrib.auth.models import Group

from catalog.models import Classification, Column, Dataset
from warehouse.config import engine_config
from warehouse.reads.catalog_lookup import catalog_identity
from warehouse.reads.models import AccessLog, AccessPolicy


def level(code):
    return Classification.objects.get(code=code) if code else None


def warehouse_table(name: str, layer=Dataset.Layer.MART, owner=None, columns=None) -> Dataset:
    """A warehouse table `schema.table` with columns {name: level code or None}."""
    namespace, catalog_name = catalog_identity(name, engine_config())  # as the pipeline names it
    dataset = Dataset.objects.create(namespace=namespace, name=catalog_name, layer=layer, owner=owner)
    for position, (column, code) in enumerate((columns or {}).items()):
        Column.objects.create(
            dataset=dataset, name=column, ordinal_position=position, classification=level(code)
        )
    return dataset


def raw_table(table: str, columns) -> Dataset:
    dataset = Dataset.objects.create(namespace="file", name=f"/lake/raw/{table}", layer=Dataset.Layer.RAW)
    for column, code in columns.items():
        Column.objects.create(dataset=dataset, name=column, classification=level(code))
    return dataset


def policy(role: str, *, layer="", dataset=None, clearance="L2", status=AccessPolicy.Status.ACTIVE, **fields):
    return AccessPolicy.objects.create(
        role=Group.objects.get(name=role), layer=layer, dataset=dataset, clearance=level(clearance),
        status=status, reason="test", **fields,
    )  # fmt: skip


def read(user, table: str, at: datetime, *, roles, columns=(), outcome=AccessLog.Outcome.ALLOWED):
    """One logged read; `columns` are (column, level code or None)."""
    touched = [{"table": table, "column": c, "level": lv, "masked": False} for c, lv in columns]
    return AccessLog.objects.create(
        user=user, at=at, roles=list(roles), purpose=AccessLog.Purpose.DASHBOARD, outcome=outcome,
        datasets=[table], columns=touched,
    )  # fmt: skip
