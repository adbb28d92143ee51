"""Levels of warehouse columns: derived along column lineage, else from their table; gaps reported.

The real pipeline (dbt run, its meta declarations and lineage) is covered in
warehouse/tests/test_levels_after_run.py; here the derivation rules, on small graphs.
"""

import pytest
from django.core.management import CommandError, call_command

from accounts.audit import acting_as
from accounts.models import AuditEntry
from catalog.models import Column
from catalog.selectors import warehouse_level_gaps
from catalog.services import column_classify
from catalog.services.warehouse_levels import warehouse_levels_apply
from catalog.tests.factories import ColumnFactory, DatasetFactory, column_edge, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(settings):
    """A warehouse table factory: in the warehouse's namespace, L2 unless told otherwise."""

    def make(classification="L2", **fields):
        code = level(classification) if classification else None
        return DatasetFactory(namespace=settings.WAREHOUSE_NAMESPACE, classification=code, **fields)

    return make


def _state(column: Column) -> tuple[str | None, str]:
    column.refresh_from_db()
    return (column.classification.code if column.classification else None), column.classification_source


def test_a_column_takes_the_highest_level_of_the_columns_it_is_derived_from(table, data_steward):
    email, plan = ColumnFactory(dataset=table()), ColumnFactory(dataset=table())
    column_classify(column=email, classification=level("L3"), actor=data_steward)
    column_classify(column=plan, classification=level("L1"), actor=data_steward)
    token = ColumnFactory(dataset=table(classification="L1"))
    column_edge(email, token, masking=True, subtype="TRANSFORMATION")  # a keyed hash of an L3 value
    column_edge(plan, token)
    downstream = ColumnFactory(dataset=table(classification="L0"))
    column_edge(token, downstream)

    report = warehouse_levels_apply()

    assert _state(token) == ("L3", "lineage")  # a token of an L3 value is still L3, above its table's L1
    assert _state(downstream) == ("L3", "lineage")  # through a column that was itself derived
    assert report.by_lineage == 2 and not report.gaps


def test_an_indirect_edge_passes_no_level(table, data_steward):
    """A column that only filtered or grouped the output passes no values on (OpenLineage INDIRECT)."""
    email = ColumnFactory(dataset=table())
    column_classify(column=email, classification=level("L3"), actor=data_steward)
    count = ColumnFactory(dataset=table(classification="L1"))
    column_edge(email, count, kind="INDIRECT", subtype="FILTER")
    warehouse_levels_apply()
    assert _state(count) == ("L1", "table")


def test_a_column_derived_from_an_unclassified_column_is_a_gap_never_l0(table, data_steward):
    # an operational column nobody classified, read into the warehouse
    unknown = ColumnFactory(dataset=DatasetFactory(namespace="postgres://app:5432"), name="notes")
    copy = ColumnFactory(dataset=table(classification="L0"), name="notes_copy")
    column_edge(unknown, copy)
    untabled = table(classification=None)

    report = warehouse_levels_apply()

    assert _state(copy) == (None, "")
    gaps = warehouse_level_gaps()
    assert {c.name for c in gaps.columns} == {"notes_copy"}
    assert list(gaps.datasets) == [untabled]
    assert copy.pk in report.gaps
    with pytest.raises(CommandError, match="1 warehouse table\\(s\\) and 1 column\\(s\\) have no level"):
        call_command("catalog_level_gaps")

    column_classify(column=unknown, classification=level("L4"), actor=data_steward)
    untabled.classification = level("L1")
    untabled.save()
    warehouse_levels_apply()
    assert _state(copy) == ("L4", "lineage")
    call_command("catalog_level_gaps")  # exit status 0: nothing left


def test_the_gaps_command_names_each_gap(table, capsys):
    dataset = table(classification=None, name="warehouse.marts.mart_unknown")
    ColumnFactory(dataset=dataset, name="amount")
    with pytest.raises(CommandError):
        call_command("catalog_level_gaps")
    out = capsys.readouterr().out
    assert "table   duckdb://custodian/warehouse.marts.mart_unknown" in out
    assert "column  duckdb://custodian/warehouse.marts.mart_unknown.amount" in out


def test_a_stewards_level_is_never_replaced_and_clearing_it_releases_the_column(table, data_steward):
    source = ColumnFactory(dataset=table())
    column_classify(column=source, classification=level("L4"), actor=data_steward)
    target = ColumnFactory(dataset=table())
    column_edge(source, target)
    column_classify(column=target, classification=level("L2"), actor=data_steward)

    warehouse_levels_apply()
    assert _state(target) == ("L2", "steward")  # the steward decided; drift is governance's report

    column_classify(column=target, classification=None, actor=data_steward)
    warehouse_levels_apply()
    assert _state(target) == ("L4", "lineage")


def test_derived_levels_follow_their_upstream_and_a_second_pass_writes_nothing(table, data_steward):
    source = ColumnFactory(dataset=table())
    column_classify(column=source, classification=level("L3"), actor=data_steward)
    target = ColumnFactory(dataset=table())
    column_edge(source, target)
    with acting_as(data_steward):
        warehouse_levels_apply()
    assert _state(target) == ("L3", "lineage")
    entries = AuditEntry.objects.count()
    assert warehouse_levels_apply().unchanged == 2
    assert AuditEntry.objects.count() == entries  # idempotent: nothing saved, nothing logged

    column_classify(column=source, classification=level("L1"), actor=data_steward)
    warehouse_levels_apply()
    assert _state(target) == ("L1", "lineage")
    change = AuditEntry.objects.filter(object_pk=str(target.pk)).order_by("-pk").first()
    assert change is not None and "classification" in change.changes  # saved one by one: audited


def test_columns_outside_the_warehouse_and_removed_ones_are_left_alone(table, data_steward, settings):
    outside = ColumnFactory(dataset=DatasetFactory(namespace="postgres://app:5432", classification=None))
    removed = ColumnFactory(dataset=table())
    Column.objects.filter(pk=removed.pk).update(removed_at="2026-01-01T00:00:00Z")
    warehouse_levels_apply()
    assert _state(outside) == (None, "") and _state(removed) == (None, "")
    assert not warehouse_level_gaps()


def test_a_lineage_cycle_leaves_a_gap_rather_than_looping(table):
    first, second = ColumnFactory(dataset=table()), ColumnFactory(dataset=table())
    column_edge(first, second)
    column_edge(second, first)
    report = warehouse_levels_apply()
    assert set(report.gaps) == {first.pk, second.pk}
