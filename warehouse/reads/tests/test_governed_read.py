"""governed_read for each default role and each level L0-L4 (and unclassified) on a real DuckDB file."""

import hashlib
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group

from accounts import roles
from accounts.tests.factories import UserFactory
from catalog.tests.factories import level
from warehouse.reads.models import AccessLog, AccessPolicy, LevelMasking, PhiColumnDailyAccess
from warehouse.reads.query import Aggregate, Filter, ReadDenied, ReadQuery
from warehouse.reads.service import governed_read, readable_tables
from warehouse.reads.tests.conftest import ROWS, TABLE, grant_dataset

NAMES = ["tenant_id", "month", "revenue", "account_name", "email", "diagnosis", "notes"]


def token(value: str) -> str:
    """The pipeline's keyed token (warehouse/dbt/macros/governance.sql)."""
    return hashlib.sha256(f"{settings.WAREHOUSE_TOKEN_KEY}|{value}".encode()).hexdigest()


def as_cleared_to_l2(row):
    """A fixture row as a reader cleared to L2 sees it: L3 hashed, L4 and unclassified nulled."""
    tenant, month, revenue, account, email, _diagnosis, _notes = row
    return {
        "tenant_id": tenant,
        "month": month,
        "revenue": revenue,
        "account_name": account,
        "email": token(email),
        "diagnosis": None,
        "notes": None,
    }


def read(user, engine, **query):
    return governed_read(
        user=user, purpose=AccessLog.Purpose.DASHBOARD, query=ReadQuery(TABLE, **query), engine=engine
    )


@pytest.mark.parametrize("persona", ["executive", "data_steward"])
def test_executives_and_stewards_read_the_mart_with_l3_hashed_and_l4_and_unclassified_nulled(
    persona, request, warehouse, catalog
):
    user = request.getfixturevalue(persona)
    result = read(user, warehouse, order_by=("month", "tenant_id"))
    expected = sorted((as_cleared_to_l2(r) for r in ROWS), key=lambda r: (r["month"], r["tenant_id"]))
    assert result.data.column_names == NAMES
    assert result.data.to_pylist() == expected
    assert result.masked == {"email": "hash", "diagnosis": "null", "notes": "null"}


def test_a_masked_column_keeps_its_type_when_nulled(warehouse, catalog, executive):
    LevelMasking.objects.update_or_create(classification=level("L1"), defaults={"method": "null"})
    policy = AccessPolicy.objects.get(role__name=roles.EXECUTIVE, status="active")
    policy.clearance = level("L0")
    policy.save()
    result = read(executive, warehouse, columns=("month", "revenue"))
    assert str(result.data.schema.field("revenue").type) == "double"
    assert result.data.column("revenue").to_pylist() == [None, None, None]


def test_partial_masking_shows_the_last_four_characters(warehouse, catalog, executive):
    LevelMasking.objects.filter(classification=level("L3")).update(method="partial")
    result = read(executive, warehouse, columns=("email",), order_by=("email",))
    assert result.data.column("email").to_pylist() == ["****test"] * 3
    assert result.masked == {"email": "partial"}


def test_a_role_cleared_for_l4_reads_every_level_in_clear(warehouse, catalog, executive):
    AccessPolicy.objects.filter(role__name=roles.EXECUTIVE).update(clearance=level("L4"))
    result = read(executive, warehouse, order_by=("month", "tenant_id"))
    expected = sorted(ROWS, key=lambda r: (r[1], r[0]))
    assert [tuple(r.values()) for r in result.data.to_pylist()] == expected
    assert result.masked == {}


def test_a_dataset_policy_narrows_the_layer_policy_of_the_same_role(warehouse, catalog, executive):
    AccessPolicy.objects.create(
        role=Group.objects.get(name=roles.EXECUTIVE),
        dataset=catalog,
        clearance=level("L1"),
        reason="narrower for this mart",
        status=AccessPolicy.Status.ACTIVE,
    )
    result = read(executive, warehouse, columns=("revenue", "account_name"), limit=1)
    assert result.data.to_pylist() == [{"revenue": 100.0, "account_name": None}]


def test_customer_viewers_read_only_their_own_organisations_rows(warehouse, catalog, tenants):
    acme, _ = tenants
    customer = UserFactory(role=roles.CUSTOMER_VIEWER, organization=acme)
    result = read(customer, warehouse, order_by=("month",))
    assert result.data.to_pylist() == [as_cleared_to_l2(r) for r in ROWS if r[0] == 1]
    assert result.log.row_filter == "own_organization"
    totals = read(customer, warehouse, aggregates=(Aggregate("sum", "revenue", "total"),))
    assert totals.data.to_pylist() == [{"total": 250.0}]


def test_customer_viewer_without_a_tenant_key_is_refused(warehouse, catalog, customer_viewer):
    with pytest.raises(ReadDenied, match="no warehouse tenant key"):
        read(customer_viewer, warehouse)
    assert AccessLog.objects.get().outcome == AccessLog.Outcome.DENIED


def test_customer_viewers_read_no_curated_table(warehouse, catalog, tenants):
    customer = UserFactory(role=roles.CUSTOMER_VIEWER, organization=tenants[0])
    with pytest.raises(ReadDenied, match=r"You may not read curated\.dim_tenant"):
        governed_read(
            user=customer, purpose="customer_portal", query=ReadQuery("curated.dim_tenant"), engine=warehouse
        )


def test_executives_read_no_curated_table_but_stewards_do(warehouse, catalog, executive, data_steward):
    query = ReadQuery("curated.dim_tenant")
    with pytest.raises(ReadDenied):
        governed_read(user=executive, purpose="report", query=query, engine=warehouse)
    result = governed_read(user=data_steward, purpose="report", query=query, engine=warehouse)
    assert result.data.to_pylist() == [{"tenant_id": 1, "name": "Acme"}]


def test_auditor_is_denied_without_a_grant_and_reads_masked_with_one(
    warehouse, catalog, auditor, compliance_officer
):
    with pytest.raises(ReadDenied, match=r"none of your roles \(Auditor\)"):
        read(auditor, warehouse)
    grant_dataset(auditor, catalog, compliance_officer)
    result = read(auditor, warehouse, order_by=("month", "tenant_id"))
    assert result.data.to_pylist() == sorted(
        (as_cleared_to_l2(r) for r in ROWS), key=lambda r: (r["month"], r["tenant_id"])
    )
    with pytest.raises(ReadDenied):  # the grant lists the mart only
        governed_read(user=auditor, purpose="audit", query=ReadQuery("curated.dim_tenant"), engine=warehouse)


def test_an_expired_grant_no_longer_opens_the_table(warehouse, catalog, auditor, compliance_officer):
    grant_dataset(auditor, catalog, compliance_officer)
    with time_machine.travel("2099-01-01", tick=False), pytest.raises(ReadDenied):
        read(auditor, warehouse)


def test_users_without_a_role_and_superusers_read_nothing(warehouse, catalog, outsider):
    boss = UserFactory(is_superuser=True, is_staff=True)
    for user in (outsider, boss):
        with pytest.raises(ReadDenied, match=r"\(no role\)"):
            read(user, warehouse)
    assert AccessLog.objects.filter(outcome=AccessLog.Outcome.DENIED).count() == 2


def test_proposed_and_retired_policies_give_no_access(warehouse, catalog, executive):
    AccessPolicy.objects.filter(role__name=roles.EXECUTIVE).update(status=AccessPolicy.Status.PROPOSED)
    with pytest.raises(ReadDenied):
        read(executive, warehouse)
    AccessPolicy.objects.filter(role__name=roles.EXECUTIVE).update(status=AccessPolicy.Status.RETIRED)
    with pytest.raises(ReadDenied):
        read(executive, warehouse)


def test_access_changes_take_effect_on_the_very_next_read(
    warehouse, catalog, executive, auditor, compliance_officer
):
    """Nothing on the read path is cached: a raised level, a changed masking method, a retired
    policy and an expired grant count from the next read of the same process."""
    assert read(executive, warehouse, columns=("account_name",)).masked == {}
    catalog.columns.filter(name="account_name").update(classification=level("L4"))
    assert read(executive, warehouse, columns=("account_name",)).masked == {"account_name": "null"}
    LevelMasking.objects.filter(classification=level("L4")).update(method="partial")
    assert read(executive, warehouse, columns=("notes",)).masked == {"notes": "partial"}  # unclassified
    AccessPolicy.objects.filter(role__name=roles.EXECUTIVE).update(status=AccessPolicy.Status.RETIRED)
    with pytest.raises(ReadDenied):
        read(executive, warehouse)
    grant_dataset(auditor, catalog, compliance_officer)
    assert read(auditor, warehouse).data.num_rows == len(ROWS)
    with time_machine.travel("2099-01-01", tick=False), pytest.raises(ReadDenied):
        read(auditor, warehouse)


def test_aggregates_group_by_and_count_over_the_masked_values(warehouse, catalog, data_steward):
    result = read(
        data_steward,
        warehouse,
        columns=("email",),
        aggregates=(
            Aggregate("count", None, "n"),
            Aggregate("sum", "revenue", "revenue"),
            Aggregate("count_distinct", "diagnosis", "diagnoses"),
        ),
        order_by=("-revenue",),
    )
    assert result.data.to_pylist() == [
        {"email": token("b@acme.test"), "n": 1, "revenue": 150.0, "diagnoses": 0},
        {"email": token("a@acme.test"), "n": 1, "revenue": 100.0, "diagnoses": 0},
        {"email": token("c@globex.test"), "n": 1, "revenue": 70.0, "diagnoses": 0},
    ]


def test_filters_compare_with_the_masked_value_never_the_clear_one(warehouse, catalog, executive):
    clear = read(executive, warehouse, columns=("month",), filters=(Filter("email", "=", "a@acme.test"),))
    assert clear.data.num_rows == 0
    hashed = read(
        executive, warehouse, columns=("month",), filters=(Filter("email", "=", token("a@acme.test")),)
    )
    assert hashed.data.to_pylist() == [{"month": "2026-01"}]
    probe = read(executive, warehouse, columns=("month",), filters=(Filter("diagnosis", "not_null"),))
    assert probe.data.num_rows == 0


def test_filter_operators_bind_their_values(warehouse, catalog, executive):
    cases = [
        (Filter("revenue", ">", 90), 2),
        (Filter("revenue", "between", (60, 100)), 2),
        (Filter("month", "in", ["2026-02", "x' or '1'='1"]), 1),
        (Filter("account_name", "!=", "Acme"), 1),
        (Filter("notes", "is_null"), 3),
        (Filter("month", "<=", "2026-01"), 2),
    ]
    for item, rows in cases:
        assert read(executive, warehouse, columns=("month",), filters=(item,)).data.num_rows == rows, item


def test_one_log_row_per_read_with_who_what_and_how(warehouse, catalog, executive):
    result = governed_read(
        user=executive,
        purpose=AccessLog.Purpose.EXPORT,
        request_id="req-42",
        job="export 7",
        engine=warehouse,
        query=ReadQuery(TABLE, columns=("month", "email"), filters=(Filter("revenue", ">", 80),)),
    )
    log = AccessLog.objects.get()
    assert log == result.log
    assert (log.user, log.roles, log.purpose, log.outcome) == (
        executive,
        [roles.EXECUTIVE],
        "export",
        "allowed",
    )
    assert (log.request_id, log.job, log.engine, log.row_count, log.row_filter) == (
        "req-42",
        "export 7",
        "duckdb",
        2,
        "none",
    )
    assert log.datasets == [TABLE]
    assert log.columns == [
        {"table": TABLE, "column": "month", "level": "L0", "masked": ""},
        {"table": TABLE, "column": "email", "level": "L3", "masked": "hash"},
        {"table": TABLE, "column": "revenue", "level": "L1", "masked": ""},
    ]
    assert log.masked_columns == [f"{TABLE}.email"]
    assert len(log.query_digest) == 64
    assert settings.WAREHOUSE_TOKEN_KEY not in str(log.__dict__)


@time_machine.travel("2026-11-27 10:00Z", tick=False)
def test_phi_columns_are_counted_per_user_per_day(warehouse, catalog, executive, data_steward):
    read(executive, warehouse, columns=("month", "diagnosis"))
    read(executive, warehouse, columns=("diagnosis",), limit=1)
    read(data_steward, warehouse, columns=("month",))  # no PHI column touched
    counts = PhiColumnDailyAccess.objects.get()
    assert (counts.day, counts.user, counts.column.name) == (date(2026, 11, 27), executive, "diagnosis")
    assert (counts.reads, counts.reads_in_clear, counts.rows) == (2, 0, 4)
    AccessPolicy.objects.filter(role__name=roles.DATA_STEWARD).update(clearance=level("L4"))
    read(data_steward, warehouse, columns=("diagnosis",))
    steward = PhiColumnDailyAccess.objects.get(user=data_steward)
    assert (steward.reads, steward.reads_in_clear, steward.rows) == (1, 1, 3)


def test_the_configured_engine_is_opened_read_only_when_none_is_passed(
    warehouse, catalog, executive, settings
):
    settings.WAREHOUSE_DUCKDB_PATH = warehouse.config.duckdb_path
    warehouse.close()
    result = governed_read(user=executive, purpose="api", query=ReadQuery(TABLE, columns=("month",), limit=2))
    assert result.data.num_rows == 2


def test_readable_tables_lists_what_each_role_may_read(
    warehouse, catalog, settings, executive, data_steward, auditor, compliance_officer, tenants
):
    settings.WAREHOUSE_DUCKDB_PATH = warehouse.config.duckdb_path
    customer = UserFactory(role=roles.CUSTOMER_VIEWER, organization=tenants[0])

    def listed(user):
        return [(t.table, t.clearance, t.row_filter) for t in readable_tables(user)]

    assert listed(executive) == [(TABLE, "L2", "none")]
    assert listed(data_steward) == [("curated.dim_tenant", "L2", "none"), (TABLE, "L2", "none")]
    assert listed(customer) == [(TABLE, "L2", "own_organization")]
    assert listed(auditor) == []
    grant_dataset(auditor, catalog, compliance_officer)
    assert listed(auditor) == [(TABLE, "L2", "none")]


def test_ordering_by_a_masked_column_follows_the_masked_values(warehouse, catalog, executive):
    result = read(executive, warehouse, columns=("email",), order_by=("-email",))
    assert result.data.column("email").to_pylist() == sorted((token(r[4]) for r in ROWS), reverse=True)


def test_count_distinct_of_a_hashed_column_counts_as_many_as_the_hashed_values(warehouse, catalog, executive):
    """Counted on the stored values (no hashing per row): the same number the hashed values give."""
    warehouse.execute(f"insert into {TABLE} select * from {TABLE} where tenant_id = 2")  # noqa: S608
    hashed = read(executive, warehouse, columns=("email",)).data.column("email").to_pylist()
    counted = read(
        executive,
        warehouse,
        columns=("tenant_id",),
        aggregates=(Aggregate("count_distinct", "email", "people"), Aggregate("count", None, "rows")),
        order_by=("tenant_id",),
    )
    assert counted.data.to_pylist() == [
        {"tenant_id": 1, "people": 2, "rows": 2},
        {"tenant_id": 2, "people": 1, "rows": 2},
    ]
    assert sum(counted.data.column("people").to_pylist()) == len(set(hashed)) == 3
    assert counted.masked == {"email": "hash"}
    assert counted.log.masked_columns == [f"{TABLE}.email"]


def test_a_read_without_a_limit_is_cut_at_the_cap_and_says_so(warehouse, catalog, executive, monkeypatch):
    from warehouse.reads import compile as compile_module

    monkeypatch.setattr(compile_module, "MAX_ROWS", 2)  # the 100,000-row cap, of the table's 3 rows
    cut = read(executive, warehouse, order_by=("month", "tenant_id"))
    assert cut.truncated and cut.data.num_rows == 2 and cut.log.row_count == 2
    assert cut.data.column("month").to_pylist() == ["2026-01", "2026-01"]
    whole = read(executive, warehouse, limit=2, filters=(Filter("tenant_id", "=", 1),))
    assert not whole.truncated and whole.data.num_rows == 2
