"""One dataset per physical table: merge twins that earlier naming recorded under two identities.

Before `catalog.naming`, the dbt import named a warehouse table `duckdb` + `<db>.<schema>.<table>`
and the warehouse's run events `duckdb://<path of the file>` + `<schema>.<table>`; lake folders
were `file://<lake root>` + `raw/<table>` (or `gs://<bucket>` without the lake's prefix), and the
dbt import named the lake's files as tables of a `raw` schema. `legacy_identity` maps each of those
to today's identity; `dataset_identities_migrate` renames each legacy dataset, or merges it into
the dataset that already holds its identity.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.audit import audit_event_record, change_reason
from accounts.models import AuditEntry
from catalog.models import (
    ClassificationSuggestion,
    Column,
    ColumnLineageEdge,
    DataCheck,
    Dataset,
    LineageEdge,
)
from catalog.models import Source as DatasetSource
from catalog.naming import file_dataset, relation_dataset

MERGE_REASON = "Merged two catalog identities of the same physical table."
# Empty values a survivor takes from its twin; everything else the survivor already says wins.
DATASET_FIELDS = (
    "description",
    "layer",
    "system",
    "owner",
    "steward",
    "classification",
    "retention_policy_ref",
    "row_count",
    "last_updated_at",
)
COLUMN_FIELDS = ("data_type", "ordinal_position", "description", "nullable", "classification", "pii_category")


def legacy_identity(dataset: Dataset) -> tuple[str, str] | None:
    """Today's (namespace, name) for a dataset recorded under an earlier naming, else None."""
    namespace, name = dataset.namespace, dataset.name
    parts = name.split(".")
    warehouse = Path(settings.WAREHOUSE_DUCKDB_PATH).stem
    dbt = dataset.source == DatasetSource.DBT
    # dbt named every DuckDB relation so, and the demo and others named the warehouse's tables so
    if namespace == "duckdb" and len(parts) == 3 and (dbt or parts[0] == warehouse):
        if dbt and parts[:2] == [warehouse, "raw"] and dataset.layer == Dataset.Layer.RAW:
            return file_dataset(f"{settings.LAKE_URL.rstrip('/')}/raw/{parts[2]}")  # the lake's files
        return relation_dataset("duckdb", name)
    if namespace.startswith("duckdb://") and namespace != settings.WAREHOUSE_NAMESPACE and len(parts) == 2:
        return relation_dataset("duckdb", Path(namespace.removeprefix("duckdb://")).stem, name)
    if namespace == "file" and name.startswith("lake/raw/"):  # the demo's relative lake path
        return file_dataset(f"{settings.LAKE_URL.rstrip('/')}/{name.removeprefix('lake/')}")
    if namespace.startswith("file://") and name.startswith("raw/"):
        return file_dataset(f"{namespace.removeprefix('file://')}/{name}")
    lake = settings.LAKE_URL.rstrip("/")
    if lake.startswith(f"{namespace}/") and namespace.startswith("gs://") and name.startswith("raw/"):
        return file_dataset(f"{lake}/{name}")
    return None


def dataset_identities_migrate(*, actor) -> list[str]:
    """Give every legacy dataset today's identity, merging it into a dataset that already has it."""
    done = []
    for dataset in Dataset.objects.filter(_legacy_candidates()).order_by("pk"):
        identity = legacy_identity(dataset)
        if identity is None or identity == (dataset.namespace, dataset.name):
            continue
        survivor = Dataset.objects.filter(namespace=identity[0], name=identity[1]).first()
        if survivor is None:
            with change_reason("Renamed to the OpenLineage identity all reporters now use."):
                dataset.namespace, dataset.name = identity
                dataset.save(update_fields=["namespace", "name", "updated_at"])
            done.append(f"renamed {dataset.pk} to {identity[0]}/{identity[1]}")
        else:
            dataset_merge(survivor=survivor, twin=dataset, actor=actor)
            done.append(f"merged {dataset.pk} into {survivor.pk} ({identity[0]}/{identity[1]})")
    return done


def _legacy_candidates() -> Q:
    lake = settings.LAKE_URL.rstrip("/")
    gcs = Q(namespace=f"gs://{lake[5:].split('/')[0]}") if lake.startswith("gs://") else Q(pk__in=[])
    return (
        Q(namespace="duckdb")
        | (Q(namespace__startswith="duckdb://") & ~Q(namespace=settings.WAREHOUSE_NAMESPACE))
        | Q(namespace__startswith="file://")
        | Q(namespace="file", name__startswith="lake/raw/")
        | gcs
    )


def dataset_merge(*, survivor: Dataset, twin: Dataset, actor) -> Dataset:
    """Move all that is known about `twin` onto `survivor`, then delete the twin.

    The survivor keeps what it says and takes what only the twin says (description, layer, owner,
    row count …, tags united); columns are merged by name; table and column edges, data checks and
    PII suggestions move to the survivor, duplicates dropped. Every change is audited, the twin's
    own history stays in the trail, and an entry on the survivor names the twin it absorbed.
    """
    if survivor.pk == twin.pk:
        raise ValidationError("A dataset cannot be merged into itself.")
    with transaction.atomic(), change_reason(MERGE_REASON):
        first, second = sorted([survivor.pk, twin.pk])  # lock in a fixed order: no deadlock
        locked = {d.pk: d for d in Dataset.objects.select_for_update().filter(pk__in=[first, second])}
        survivor, twin = locked[survivor.pk], locked[twin.pk]
        for name in DATASET_FIELDS:
            if _blank(survivor, name) and not _blank(twin, name):
                setattr(survivor, name, getattr(twin, name))
        survivor.tags = sorted(set(survivor.tags or []) | set(twin.tags or []))
        if twin.removed_at is None:  # one live identity keeps the table live
            survivor.removed_at = None
        survivor.full_clean(validate_unique=False, validate_constraints=False)
        survivor.save()
        _merge_columns(survivor, twin)
        _move_edges(LineageEdge, ("input_dataset", "output_dataset"), twin, survivor)
        DataCheck.objects.filter(dataset=twin).update(dataset=survivor)  # not an audited model
        merged = {"merged_dataset_id": twin.pk, "merged_identity": str(twin)}
        audit_event_record(action=AuditEntry.Action.UPDATE, obj=survivor, actor=actor, data=merged)
        twin.delete()
    return survivor


def _merge_columns(survivor: Dataset, twin: Dataset) -> None:
    kept = {column.name: column for column in Column.objects.filter(dataset=survivor)}
    for column in Column.objects.filter(dataset=twin):
        target = kept.get(column.name)
        if target is None:  # only the twin knew it: it moves, audited like any change
            column.dataset = survivor
            column.save()
            continue
        changed = [n for n in COLUMN_FIELDS if _blank(target, n) and not _blank(column, n)]
        for name in changed:
            setattr(target, name, getattr(column, name))
        if changed:
            target.save(update_fields=changed)
        target.glossary_terms.add(*column.glossary_terms.all())
        _move_edges(ColumnLineageEdge, ("input_column", "output_column"), column, target)
        ClassificationSuggestion.objects.filter(column=column).update(column=target)
        DataCheck.objects.filter(column=column).update(column=target)
        column.delete()


def _move_edges(model, ends: tuple[str, str], old, new) -> None:
    """Re-point each edge end from `old` to `new`; an edge that then repeats one, or loops, goes."""
    identity = next(c.fields for c in model._meta.constraints if c.name.endswith("identity"))
    for end in ends:
        for edge in model.objects.filter(**{end: old}):
            setattr(edge, end, new)
            key = {field: getattr(edge, field) for field in identity}
            loops = getattr(edge, f"{ends[0]}_id") == getattr(edge, f"{ends[1]}_id")
            if loops or model.objects.filter(**key).exclude(pk=edge.pk).exists():
                edge.delete()
            else:
                edge.save(update_fields=[end])


def _blank(instance, field: str) -> bool:
    return getattr(instance, field) in (None, "")
