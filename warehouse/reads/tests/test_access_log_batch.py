"""`access_log_batch`: a page's log rows in one INSERT, written also when the page fails."""

import pytest

from catalog.tests.factories import ColumnFactory
from warehouse.reads.catalog_lookup import CatalogColumn
from warehouse.reads.log import access_log_batch, access_log_write
from warehouse.reads.models import AccessLog, PhiColumnDailyAccess


def write(user, touched=()):
    return access_log_write(
        user=user, roles=["Executive"], purpose=AccessLog.Purpose.DASHBOARD,
        outcome=AccessLog.Outcome.ALLOWED, table="marts.t", touched=touched, row_count=1,
    )  # fmt: skip


@pytest.mark.django_db
def test_rows_are_written_when_the_block_ends(executive):
    with access_log_batch():
        write(executive)
        write(executive)
        assert AccessLog.objects.count() == 0
    assert AccessLog.objects.filter(user=executive).count() == 2


@pytest.mark.django_db
def test_rows_are_written_when_the_block_raises(executive):
    with pytest.raises(RuntimeError), access_log_batch():
        write(executive)
        raise RuntimeError("the page failed after reading")
    assert AccessLog.objects.filter(user=executive).count() == 1


@pytest.mark.django_db
def test_nested_blocks_write_once_at_the_outer_end(executive):
    with access_log_batch():
        with access_log_batch():
            write(executive)
        assert AccessLog.objects.count() == 0
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_a_read_of_phi_is_written_at_once_with_its_counts(executive):
    column = ColumnFactory(name="diagnosis")
    phi = CatalogColumn(
        pk=column.pk, name="diagnosis", data_type="VARCHAR", level=4, code="L4", pii_category="health"
    )
    with access_log_batch():
        write(executive, touched=[phi])
        assert AccessLog.objects.count() == 1
        assert PhiColumnDailyAccess.objects.get(column=column).reads == 1
