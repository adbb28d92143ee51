"""median and p90 through governed_read: continuous quantiles, inside the row filter, and refused
over a column the reader sees hashed or partly masked.

Fixture revenues (conftest.py): tenant 1 (Acme) 100 and 150, tenant 2 (Globex) 70.
Continuous quantile at fraction f of n sorted values: the value at position f x (n - 1), interpolated.
  all three [70, 100, 150]: median 100; p90 at 1.8 -> 100 + 0.8 x 50 = 140
  tenant 1  [100, 150]:     median 125; p90 at 0.9 -> 100 + 0.9 x 50 = 145
  tenant 2  [70]:           70 and 70
"""

import pytest

from accounts import roles
from accounts.tests.factories import UserFactory
from catalog.tests.factories import level
from warehouse.reads.models import AccessLog, AccessPolicy, LevelMasking
from warehouse.reads.query import Aggregate, ReadInvalid, ReadQuery
from warehouse.reads.service import governed_read
from warehouse.reads.tests.conftest import TABLE

QUANTILES = (Aggregate("median", "revenue", "median"), Aggregate("p90", "revenue", "p90"))


def read(user, engine, **query):
    return governed_read(
        user=user, purpose=AccessLog.Purpose.DASHBOARD, query=ReadQuery(TABLE, **query), engine=engine
    )


def test_median_and_p90_over_all_rows_and_per_group(warehouse, catalog, executive):
    [total] = read(executive, warehouse, aggregates=QUANTILES).data.to_pylist()
    assert total == {"median": pytest.approx(100), "p90": pytest.approx(140)}
    grouped = read(
        executive, warehouse, columns=("tenant_id",), aggregates=QUANTILES, order_by=("tenant_id",)
    )
    assert grouped.data.to_pylist() == [
        {"tenant_id": 1, "median": pytest.approx(125), "p90": pytest.approx(145)},
        {"tenant_id": 2, "median": pytest.approx(70), "p90": pytest.approx(70)},
    ]


def test_a_customer_viewers_quantiles_cover_only_their_own_rows(warehouse, catalog, tenants):
    acme, _ = tenants
    customer = UserFactory(role=roles.CUSTOMER_VIEWER, organization=acme)
    [own] = read(customer, warehouse, aggregates=QUANTILES).data.to_pylist()
    assert own == {"median": pytest.approx(125), "p90": pytest.approx(145)}


@pytest.mark.parametrize("method", ["hash", "partial"])
@pytest.mark.parametrize("function", ["median", "p90"])
def test_a_quantile_of_a_hashed_or_partly_masked_column_is_refused(
    warehouse, catalog, executive, method, function
):
    LevelMasking.objects.update_or_create(classification=level("L1"), defaults={"method": method})
    AccessPolicy.objects.filter(role__name=roles.EXECUTIVE).update(clearance=level("L0"))
    with pytest.raises(ReadInvalid, match=f"{function} of revenue is not possible: the column is masked"):
        read(executive, warehouse, aggregates=(Aggregate(function, "revenue", "q"),))
    assert AccessLog.objects.get().outcome == AccessLog.Outcome.DENIED


def test_a_quantile_of_a_nulled_column_is_null(warehouse, catalog, executive):
    """Nulled values give nothing away: the quantile is simply empty."""
    LevelMasking.objects.update_or_create(classification=level("L1"), defaults={"method": "null"})
    AccessPolicy.objects.filter(role__name=roles.EXECUTIVE).update(clearance=level("L0"))
    result = read(executive, warehouse, aggregates=QUANTILES)
    assert result.data.to_pylist() == [{"median": None, "p90": None}]
    assert result.masked == {"revenue": "null"}
