"""Columns of a dbt relation, from the manifest (documented ones) and `catalog.json` (all of them).

The manifest holds only the columns someone documented in a YAML file; `dbt docs generate`
writes `catalog.json` with every column of every built relation, as the database reports it.
When a relation is in the catalog, the catalog is the truth about which columns exist: a
documented column it lacks is no longer in the table and is marked removed.
"""

from catalog.models import Classification, ClassificationSource, Column, Dataset
from catalog.services.datasets import column_mark_removed, column_upsert, dataset_columns

SUPPORTED_CATALOGS = ("https://schemas.getdbt.com/dbt/catalog/v1.json",)


def catalog_relations(catalog: dict | None) -> dict[str, dict]:
    """unique_id -> catalog entry, for models, seeds, snapshots and sources alike."""
    if catalog is None:
        return {}
    return {**catalog["sources"], **catalog["nodes"]}


def check_catalog(catalog: dict) -> str | None:
    """The reason a document is not a dbt catalog we can read, or None."""
    version = (catalog.get("metadata") or {}).get("dbt_schema_version")
    if version not in SUPPORTED_CATALOGS:
        return f"dbt_schema_version {version!r} is not supported (need catalog v1, from `dbt docs generate`)"
    for key in ("nodes", "sources"):
        if not isinstance(catalog.get(key), dict):
            return f"'{key}' is missing"
    return None


def meta_classification(meta: dict | None) -> Classification | None:
    """The level a dbt `meta: {classification: L3}` names, if it exists."""
    code = (meta or {}).get("classification")
    return Classification.objects.filter(code=str(code).upper()).first() if code else None


def node_meta(node: dict) -> dict:
    """A node's or column's meta: dbt 1.10 puts a folder's `+meta` in `config.meta` (and mirrors it
    in `meta`, checked on a real manifest); either one, the node's own keys winning."""
    return {**((node.get("config") or {}).get("meta") or {}), **(node.get("meta") or {})}


PROTECTED = {ClassificationSource.STEWARD, ClassificationSource.SUGGESTION}


def declared_level(instance: Column | Dataset | None, meta: dict) -> dict:
    """The fields a dbt import sets for a declared level: none over a steward's or a confirmed
    suggestion's choice."""
    level = meta_classification(meta)
    current = instance.classification_source if instance is not None else ""
    if level is None or current in PROTECTED:
        return {}
    return {"classification": level, "classification_source": ClassificationSource.DBT_META}


def undeclared_levels_clear(*, datasets, declared: set) -> None:
    """Clear the dbt-declared levels that no node of this import declares any more (the pipeline
    derives them again). Done after all nodes, as a seed and its source are one table."""
    DBT_META = ClassificationSource.DBT_META
    for dataset in datasets:
        if dataset.classification_source == DBT_META and dataset.pk not in declared:
            level_clear(dataset)
    columns = Column.objects.filter(dataset__in=[d.pk for d in datasets], classification_source=DBT_META)
    for column in columns:
        if (column.dataset_id, column.name) not in declared:
            level_clear(column)


def level_clear(instance: Column | Dataset) -> None:
    instance.classification, instance.classification_source = None, ""
    instance.save(update_fields=["classification", "classification_source"])


def _specs(node: dict, entry: dict | None) -> list[dict]:
    """One spec per column: the catalog's name, type and position, the manifest's documentation."""
    documented = {name.lower(): column for name, column in (node.get("columns") or {}).items()}
    if entry is None:
        return [
            {"name": c["name"], "data_type": c.get("data_type"), "ordinal_position": n, "doc": c}
            for n, c in enumerate(documented.values(), start=1)
        ]
    physical = sorted((entry.get("columns") or {}).values(), key=lambda c: c.get("index") or 0)
    specs = []
    for column in physical:
        doc = documented.get(column["name"].lower(), {})
        specs.append(
            {
                # The manifest's spelling wins, so a column documented as `Email` stays one column.
                "name": doc.get("name") or column["name"],
                "data_type": column.get("type") or doc.get("data_type"),
                "ordinal_position": column.get("index"),
                "doc": {**doc, "description": doc.get("description") or column.get("comment")},
            }
        )
    return specs


def dbt_columns_import(*, dataset: Dataset, node: dict, entry: dict | None, declared: set) -> tuple[int, int]:
    """Create or update the relation's columns; with a catalog entry, mark the missing ones removed.

    `declared` collects (dataset id, column name) of the levels the node declares.

    Returns (columns imported, columns marked removed). Every write is a saved row (audited).
    """
    known = dataset_columns(dataset)
    specs = _specs(node, entry)
    for spec in specs:
        doc = spec["doc"]
        if meta_classification(node_meta(doc)) is not None:
            declared.add((dataset.pk, spec["name"]))
        column_upsert(
            dataset=dataset,
            known=known,
            name=spec["name"],
            description=doc.get("description") or None,
            data_type=spec["data_type"] or None,
            ordinal_position=spec["ordinal_position"],
            **declared_level(known.get(spec["name"]), node_meta(doc)),
        )
    if entry is None:
        return len(specs), 0
    present = {spec["name"] for spec in specs}
    gone: list[Column] = [c for name, c in known.items() if name not in present]
    return len(specs), sum(column_mark_removed(column=column) for column in gone)
