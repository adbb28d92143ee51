"""Bad queries are refused before the engine, denied reads are logged, and nothing else changes."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from accounts.tests.factories import UserFactory
from catalog.models import Column, Dataset
from catalog.tests.factories import ColumnFactory
from warehouse.engine import EngineError
from warehouse.reads.models import AccessLog, PhiColumnDailyAccess
from warehouse.reads.query import Aggregate, Filter, ReadDenied, ReadInvalid, ReadQuery
from warehouse.reads.service import governed_read
from warehouse.reads.tests.conftest import TABLE

INVALID = [
    (ReadQuery("marts.no_such_table"), "Unknown warehouse table marts.no_such_table"),
    (ReadQuery("mart_patients"), "not a warehouse table name"),
    (ReadQuery("a.b.c"), "not a warehouse table name"),
    (ReadQuery(TABLE, columns=("ssn",)), "Unknown column 'ssn'"),
    (ReadQuery(TABLE, columns=('month" from x; --',)), "Unknown column"),
    (ReadQuery(TABLE, columns="month"), "columns must be a list"),
    (ReadQuery(TABLE, columns=("month", "month")), "names a column twice"),
    (
        ReadQuery(TABLE, aggregates=(Aggregate("mode", "revenue", "m"),)),
        "Unknown aggregate function 'mode'",
    ),
    (ReadQuery(TABLE, aggregates=(Aggregate("sum", None, "s"),)), "sum needs a column"),
    (ReadQuery(TABLE, aggregates=(Aggregate("sum", "email", "s"),)), "sum of email is not possible"),
    (ReadQuery(TABLE, aggregates=(Aggregate("median", "email", "m"),)), "median of email is not possible"),
    (ReadQuery(TABLE, aggregates=(Aggregate("p90", "email", "p"),)), "p90 of email is not possible"),
    (ReadQuery(TABLE, aggregates=(Aggregate("count", None, "n; drop"),)), "Aggregate alias"),
    (ReadQuery(TABLE, filters=(Filter("month", "like", "2026%"),)), "Unknown filter operator 'like'"),
    (ReadQuery(TABLE, filters=(Filter("month", ["="], "x"),)), "Unknown filter operator"),
    (ReadQuery(TABLE, filters=(Filter(7, "=", "x"),)), "Unknown column 7"),
    (ReadQuery(TABLE, aggregates=(Aggregate(["sum"], "revenue", "s"),)), "Unknown aggregate function"),
    (ReadQuery(TABLE, filters=(Filter("month", "in", "2026-01"),)), "in on month needs a list"),
    (ReadQuery(TABLE, filters=(Filter("month", "in", []),)), "needs a list of 1 to 1,000 values"),
    (ReadQuery(TABLE, filters=(Filter("revenue", "between", (1, 2, 3)),)), "needs a pair of values"),
    (ReadQuery(TABLE, filters=(Filter("month", "=", None),)), "use is_null"),
    (ReadQuery(TABLE, filters=(Filter("month", "=", ["2026-01"]),)), "needs a text, number"),
    (ReadQuery(TABLE, filters=(Filter("month", "is_null", "x"),)), "takes no value"),
    (ReadQuery(TABLE, order_by=("revenue",), columns=("month",)), "Cannot order by 'revenue'"),
    (ReadQuery(TABLE, limit=0), "from 1 to 100,000 rows"),
    (ReadQuery(TABLE, limit=100_001), "from 1 to 100,000 rows"),
    (ReadQuery(TABLE, limit="10"), "from 1 to 100,000 rows"),
]


def nothing_else(before):
    return (
        Dataset.objects.count(),
        Column.objects.count(),
        PhiColumnDailyAccess.objects.count(),
    ) == before


@pytest.fixture
def no_engine(settings, tmp_path):
    """The configured warehouse does not exist: a read that opened it would fail with EngineError."""
    settings.WAREHOUSE_DUCKDB_PATH = str(tmp_path / "missing" / "wh.duckdb")
    yield settings.WAREHOUSE_DUCKDB_PATH
    assert not Path(settings.WAREHOUSE_DUCKDB_PATH).exists(), "the engine was opened"


@pytest.mark.parametrize(("query", "message"), INVALID, ids=[m for _, m in INVALID])
def test_invalid_query_is_refused_before_the_engine_and_logged_as_denied(
    query, message, catalog, executive, no_engine
):
    before = (Dataset.objects.count(), Column.objects.count(), 0)
    with pytest.raises(ReadInvalid, match=message.replace("(", r"\(")):
        governed_read(user=executive, purpose="api", query=query)
    log = AccessLog.objects.get()
    assert (log.outcome, log.user, log.row_count, log.datasets) == ("denied", executive, None, [query.table])
    assert message.split("'")[0] in log.message
    assert nothing_else(before)


def test_a_removed_table_or_column_is_unknown(catalog, executive, no_engine):
    Column.objects.filter(dataset=catalog, name="email").update(removed_at=timezone.now())
    with pytest.raises(ReadInvalid, match="Unknown column 'email'"):
        governed_read(user=executive, purpose="api", query=ReadQuery(TABLE, columns=("email",)))
    Dataset.objects.filter(pk=catalog.pk).update(removed_at=timezone.now())
    with pytest.raises(ReadInvalid, match="Unknown warehouse table"):
        governed_read(user=executive, purpose="api", query=ReadQuery(TABLE))
    assert AccessLog.objects.filter(outcome="denied").count() == 2


def test_a_denied_read_is_logged_once_and_changes_nothing(catalog, outsider, no_engine):
    before = (Dataset.objects.count(), Column.objects.count(), 0)
    with pytest.raises(ReadDenied, match="You may not read"):
        governed_read(user=outsider, purpose="dashboard", query=ReadQuery(TABLE, columns=("diagnosis",)))
    log = AccessLog.objects.get()
    assert (log.outcome, log.columns, log.masked_columns, log.row_count) == ("denied", [], [], None)
    assert "You may not read marts.mart_patients" in log.message
    assert nothing_else(before)


def test_an_unknown_purpose_is_a_programming_error_not_a_read(catalog, executive):
    with pytest.raises(ValueError, match="Unknown read purpose"):
        governed_read(user=executive, purpose="curiosity", query=ReadQuery(TABLE))
    assert not AccessLog.objects.exists()


def test_an_engine_failure_is_logged_as_failed(warehouse, catalog, executive):
    ColumnFactory(
        dataset=catalog,
        name="gone_from_engine",
        data_type="VARCHAR",
        classification=catalog.columns.first().classification,
    )
    with pytest.raises(EngineError):
        governed_read(
            user=executive,
            purpose="api",
            query=ReadQuery(TABLE, columns=("gone_from_engine",)),
            engine=warehouse,
        )
    log = AccessLog.objects.get()
    assert log.outcome == "failed" and "gone_from_engine" in log.message
    assert not PhiColumnDailyAccess.objects.exists()


def test_the_log_cannot_be_changed_or_deleted(warehouse, catalog, executive):
    from warehouse.reads.models import AccessLogImmutable

    log = governed_read(user=executive, purpose="api", query=ReadQuery(TABLE, limit=1), engine=warehouse).log
    log.row_count = 0
    with pytest.raises(AccessLogImmutable):
        log.save()
    with pytest.raises(AccessLogImmutable):
        AccessLog.objects.all().delete()


def test_queries_per_read_stay_the_same_however_wide_the_table(warehouse, catalog, executive):
    def queries(**query):
        with CaptureQueriesContext(connection) as captured:
            governed_read(user=executive, purpose="api", query=ReadQuery(TABLE, **query), engine=warehouse)
        return len(captured)

    narrow = queries(columns=("month",))
    for n in range(40):
        ColumnFactory(dataset=catalog, name=f"extra_{n}", classification=None)
    extra = ", ".join(f"'x' as extra_{n}" for n in range(40))
    warehouse.execute(f"create or replace table {TABLE} as select *, {extra} from {TABLE}")  # noqa: S608 # nosec B608 # test names
    assert queries() == narrow + 1  # the PHI upsert: the wide read touches the L4 column
    # roles with their policies; columns with their dataset, levels and masking; the log INSERT
    assert narrow == 3, narrow


def test_a_customer_read_costs_no_more_for_its_tenant_key(warehouse, catalog, tenants):
    customer = UserFactory(role=roles.CUSTOMER_VIEWER, organization=tenants[0])
    with CaptureQueriesContext(connection) as captured:
        result = governed_read(
            user=customer, purpose="api", query=ReadQuery(TABLE, columns=("month",)), engine=warehouse
        )
    assert result.data.num_rows == 2  # tenant 1's rows only
    assert len(captured) == 3, [q["sql"] for q in captured]
