"""Every warehouse table and column gets a classification level; what cannot get one is a gap.

A column's level comes, in this order, from a steward, a confirmed suggestion, a dbt `meta`
declaration (all three set elsewhere and never replaced here), the highest level of the columns
it is derived from along DIRECT column lineage (masking edges included: a token of an L3 value is
still L3), or, for a column with no upstream column, its table's level. A column derived from a
column without a level stays without one: unclassified is a gap, never L0.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet

from catalog.models import Classification, ClassificationSource, Column, ColumnLineageEdge, Dataset
from catalog.naming import relation_namespace

DERIVED = {ClassificationSource.LINEAGE, ClassificationSource.TABLE}


def warehouse_datasets() -> QuerySet[Dataset]:
    """Live datasets of the warehouse: its tables, and the lake sources its dbt project reads."""
    in_warehouse = Q(namespace=relation_namespace(settings.WAREHOUSE_BACKEND)) | ~Q(dbt_unique_id="")
    return Dataset.objects.filter(in_warehouse, removed_at__isnull=True)


def warehouse_columns() -> QuerySet[Column]:
    return Column.objects.filter(dataset__in=warehouse_datasets(), removed_at__isnull=True)


@dataclass
class LevelGaps:
    """Warehouse tables and columns without a level (querysets, for the command and the admin)."""

    datasets: QuerySet
    columns: QuerySet

    def __bool__(self) -> bool:
        return self.datasets.exists() or self.columns.exists()


def warehouse_level_gaps() -> LevelGaps:
    return LevelGaps(
        datasets=warehouse_datasets().filter(classification__isnull=True).order_by("namespace", "name"),
        columns=warehouse_columns()
        .filter(classification__isnull=True)
        .select_related("dataset")
        .order_by("dataset__namespace", "dataset__name", "ordinal_position", "name"),
    )


@dataclass
class LevelsReport:
    by_lineage: int = 0
    by_table: int = 0
    cleared: int = 0
    unchanged: int = 0
    gaps: list[int] = field(default_factory=list)  # column ids left without a level


class _Resolver:
    """Levels of derivable columns, resolved depth-first along their upstream edges."""

    def __init__(
        self, columns: dict[int, dict], upstream: dict[int, list[int]], outside: dict[int, int | None]
    ):
        self.columns, self.upstream, self.outside = columns, upstream, outside
        self.ranks = dict(Classification.objects.values_list("pk", "level"))
        self.done: dict[int, tuple[int | None, str]] = {}
        self.visiting: set[int] = set()

    def level(self, column_id: int) -> int | None:
        if column_id not in self.columns:
            return self.outside.get(column_id)
        return self.resolve(column_id)[0]

    def resolve(self, column_id: int) -> tuple[int | None, str]:
        """(classification id or None, source) for one warehouse column."""
        if column_id in self.done:
            return self.done[column_id]
        column = self.columns[column_id]
        if column["source"] not in DERIVED and (column["source"] or column["level"]):
            return column["level"], column["source"]  # set by a person or declared: kept as it is
        if column_id in self.visiting:
            return None, ""  # a lineage cycle: nothing to derive from
        self.visiting.add(column_id)
        self.done[column_id] = self._derive(column)
        self.visiting.discard(column_id)
        return self.done[column_id]

    def _derive(self, column: dict) -> tuple[int | None, str]:
        inputs = self.upstream.get(column["id"])
        if not inputs:
            table = column["table_level"]
            return (table, ClassificationSource.TABLE) if table else (None, "")
        levels = [self.level(i) for i in inputs]
        if None in levels:
            return None, ""
        return max(levels, key=self.ranks.__getitem__), ClassificationSource.LINEAGE


def _load() -> _Resolver:
    rows = warehouse_columns().values(
        "id", "classification_id", "classification_source", "dataset__classification_id"
    )
    columns = {
        r["id"]: {
            "id": r["id"],
            "level": r["classification_id"],
            "source": r["classification_source"],
            "table_level": r["dataset__classification_id"],
        }
        for r in rows
    }
    edges = ColumnLineageEdge.objects.filter(
        output_column_id__in=warehouse_columns().values("id"),
        transformation_type=ColumnLineageEdge.TransformationType.DIRECT,
        input_column__removed_at__isnull=True,
        input_column__dataset__removed_at__isnull=True,
    ).values_list("output_column_id", "input_column_id", "input_column__classification_id")
    upstream: dict[int, list[int]] = {}
    outside: dict[int, int | None] = {}
    for output_id, input_id, input_level in edges:
        upstream.setdefault(output_id, []).append(input_id)
        outside[input_id] = input_level
    return _Resolver(columns, upstream, outside)


def warehouse_levels_apply() -> LevelsReport:
    """Derive the level of every warehouse column that has none set or declared; idempotent.

    Run after each pipeline run (the catalog sink), once the run's dbt artifacts and lineage are
    in the catalog. Each change is saved on its own, so it reaches the audit trail with the actor.
    """
    resolver = _load()
    report = LevelsReport()
    changes = {}
    for column_id, column in resolver.columns.items():
        level, source = resolver.resolve(column_id)
        if level is None:
            report.gaps.append(column_id)
        if (level, source) == (column["level"], column["source"]):
            report.unchanged += 1
        else:
            changes[column_id] = (level, source)
    for column in Column.objects.in_bulk(list(changes)).values():
        column.classification_id, column.classification_source = changes[column.pk]
        column.save(update_fields=["classification", "classification_source"])
        report.cleared += column.classification_id is None
        report.by_lineage += column.classification_source == ClassificationSource.LINEAGE
        report.by_table += column.classification_source == ClassificationSource.TABLE
    return report
