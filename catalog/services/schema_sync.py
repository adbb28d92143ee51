"""Bring a system's datasets and columns in line with its live database schema."""

from dataclasses import dataclass, field

from django.db import transaction

from catalog.models import Dataset, Source, System
from catalog.schema_readers import read_schema
from catalog.services.datasets import column_mark_removed, column_upsert, dataset_mark_removed, dataset_upsert


@dataclass
class SyncReport:
    new_datasets: list[str] = field(default_factory=list)
    removed_datasets: list[str] = field(default_factory=list)
    new_columns: list[str] = field(default_factory=list)
    removed_columns: list[str] = field(default_factory=list)
    type_changes: list[str] = field(default_factory=list)  # "dataset.column: old -> new"

    @property
    def changed(self) -> bool:
        return any(vars(self).values())


def _sync_columns(dataset: Dataset, columns, report: SyncReport) -> None:
    known = {c.name: c for c in dataset.columns.all()}
    for info in columns:
        before = known.pop(info.name, None)
        if before is None or before.removed_at:
            report.new_columns.append(f"{dataset.name}.{info.name}")
        elif before.data_type and before.data_type != info.data_type:
            report.type_changes.append(f"{dataset.name}.{info.name}: {before.data_type} -> {info.data_type}")
        column_upsert(
            dataset=dataset,
            name=info.name,
            data_type=info.data_type,
            ordinal_position=info.ordinal_position,
            nullable=info.nullable,
        )
    for gone in known.values():
        if gone.removed_at is None:
            report.removed_columns.append(f"{dataset.name}.{gone.name}")
            column_mark_removed(column=gone)


def schema_sync(*, system: System, actor, url: str | None = None) -> SyncReport:
    """Read the live schema at `url` (default: the system's connection URL) and apply it.

    Tables and columns that disappeared are marked removed, not deleted: lineage and history
    stay. Reading happens before any write, so a connection error changes nothing.
    """
    url = url or system.connection_url
    if not url:
        raise ValueError(f"System {system.name!r} has no connection URL.")
    namespace, tables = read_schema(url)
    report = SyncReport()
    with transaction.atomic():
        existing = {d.name: d for d in Dataset.objects.filter(system=system, namespace=namespace)}
        for name, columns in tables.items():
            previous = existing.pop(name, None)
            dataset, created = dataset_upsert(
                namespace=namespace, name=name, source=Source.SCHEMA_SYNC, system=system
            )
            if created or (previous and previous.removed_at):
                report.new_datasets.append(name)
            _sync_columns(dataset, columns, report)
        for gone in existing.values():
            if gone.removed_at is None:
                report.removed_datasets.append(gone.name)
                dataset_mark_removed(dataset=gone)
    return report
