"""Each check type on a clean table passes and on a broken copy fails, run through the service."""

import hashlib

import pytest

from governance.models import CheckResult, QualityCheck
from governance.quality.compile import Compiler, Spec
from governance.quality.services import quality_checks_run
from governance.quality.tests.conftest import NOW, catalogue
from warehouse.engine import EngineConfig, get_engine

Status = CheckResult.Status

CASES = {
    "row_count": ("", {"min": 4, "max": 4}),
    "not_null": ("customer_id", {}),
    "unique": ("id", {}),
    "accepted_values": ("status", {"values": ["open", "closed"]}),
    "range": ("amount", {"min": 0, "max": 1000}),
    "referential": ("customer_id", {"to_column": "id"}),
    "freshness": ("created_at", {"max_age_hours": 24}),
    "custom_sql": ("", {"sql": "select * from {table} where amount > 1000 and status = 'open'"}),
    "schema_drift": ("", {}),
    "volume_change": ("", {"max_change_pct": 10}),
}


def add_check(dataset, check_type, severity="error", **overrides):
    column, params = CASES[check_type]
    return QualityCheck.objects.create(
        dataset=dataset,
        check_type=check_type,
        severity=severity,
        column=overrides.get("column", column),
        params=overrides.get("params", params),
    )


def run_one(shop, schema, check_type, **overrides):
    if check_type == "referential":
        overrides["params"] = {**CASES["referential"][1], "to": f"{schema}.customers"}
    check = add_check(shop[schema, "orders"], check_type, **overrides)
    if check_type == "schema_drift" and schema == "bad":  # the catalog expects a column the table lacks
        shop[schema, "orders"].columns.create(name="discount", data_type="DOUBLE")
    if check_type == "volume_change":  # the previous run saw 4 rows
        CheckResult.objects.create(quality_check=check, status=Status.PASS, rows_checked=4, ran_at=NOW)
    (result,) = quality_checks_run(datasets=[shop[schema, "orders"]], now=NOW)
    return result


@pytest.mark.parametrize("check_type", sorted(CASES))
def test_check_passes_on_the_clean_table(shop, check_type):
    result = run_one(shop, "good", check_type)
    assert result.status == Status.PASS, result.message


@pytest.mark.parametrize("check_type", sorted(CASES))
def test_check_fails_on_the_broken_table(shop, check_type):
    result = run_one(shop, "bad", check_type)
    assert result.status == Status.FAIL, result.message


@pytest.mark.parametrize(
    ("check_type", "observed", "failing"),
    [
        ("not_null", 0.8, 1),
        ("unique", 1, 1),
        ("accepted_values", 1, 1),
        ("range", 2, 2),
        ("referential", 1, 1),
        ("custom_sql", 1, 1),
        ("freshness", 80.0, None),
        ("row_count", 5, None),
        ("volume_change", 25.0, None),
    ],
)
def test_failures_are_measured(shop, check_type, observed, failing):
    result = run_one(shop, "bad", check_type)
    assert (result.observed, result.failing_count) == (observed, failing)


def test_a_warn_level_check_reports_a_warning_not_a_failure(shop):
    result = run_one(shop, "bad", "unique", severity="warn")
    assert result.status == Status.WARN


def test_failing_rows_are_sampled_with_l3_hashed_and_l4_nulled(shop):
    result = run_one(shop, "bad", "range")
    by_id = {row["id"]: row for row in result.samples}
    assert sorted(by_id) == [1, 4] and by_id[4]["amount"] == 5000.0 and by_id[4]["status"] == "open"
    assert by_id[4]["customer_id"] == hashlib.sha256(b"test-key|1").hexdigest()
    assert by_id[4]["email"] is None


def test_custom_sql_samples_mask_columns_the_catalog_does_not_know(shop):
    sql = "select id, amount, email as contact from {table} where amount > 1000"
    result = run_one(shop, "bad", "custom_sql", params={"sql": sql})
    assert result.samples == [{"id": 4, "amount": 5000.0, "contact": None}]


def test_a_bad_definition_is_an_error_result_and_the_other_checks_still_run(shop):
    dataset = shop["bad", "orders"]
    add_check(dataset, "accepted_values", params={})
    add_check(dataset, "custom_sql", params={"sql": "delete from {table}"})
    add_check(dataset, "unique")
    results = {r.quality_check.check_type: r for r in quality_checks_run(datasets=[dataset], now=NOW)}
    assert (
        results["accepted_values"].status == Status.ERROR and "values" in results["accepted_values"].message
    )
    assert results["custom_sql"].status == Status.ERROR and "SELECT" in results["custom_sql"].message
    assert results["unique"].status == Status.FAIL


def test_a_raw_lake_folder_is_checked_in_place(raw_folder):
    QualityCheck.objects.create(
        dataset=raw_folder, check_type="not_null", column="ticket_id", severity="error"
    )
    QualityCheck.objects.create(
        dataset=raw_folder, check_type="row_count", params={"min": 4}, severity="error"
    )
    results = {r.quality_check.check_type: r for r in quality_checks_run(datasets=[raw_folder], now=NOW)}
    assert results["row_count"].status == Status.PASS
    assert (results["not_null"].status, results["not_null"].failing_count) == (Status.FAIL, 1)


def test_the_aggregate_checks_of_a_table_compile_to_one_scan():
    specs = [Spec(i, t, c, p) for i, (t, (c, p)) in enumerate(sorted(CASES.items())) if t != "referential"]
    plan = Compiler('"bad"."orders"', "duckdb").plan(specs)
    assert plan.scan_sql.count(" from ") == 1 and plan.scan_sql.count("select") == 1
    assert list(plan.single) == [i for i, s in enumerate(specs) if s.check_type == "custom_sql"]


def test_bigquery_gets_its_own_quoting_and_named_parameters():
    plan = Compiler("`p`.`d`.`orders`", "bigquery").plan(
        [Spec(7, "accepted_values", "status", {"values": ["a"]})]
    )
    assert "`status` not in ($v7_0)" in plan.scan_sql and plan.params == {"v7_0": "a"}


def test_an_integer_unique_check_counts_with_a_bitmap_in_the_scan_and_others_apart():
    compiler = Compiler('"bad"."orders"', "duckdb")
    specs = [Spec(1, "unique", "id"), Spec(2, "unique", "status"), Spec(3, "not_null", "id")]
    plan = compiler.plan(specs, bounds={1: (1, 5)})
    assert "bitstring_agg" in plan.scan_sql and (plan.params["lo1"], plan.params["hi1"]) == (1, 5)
    assert list(plan.distinct) == [2] and "count(distinct" not in plan.scan_sql
    too_wide = compiler.plan(specs[:1], bounds={1: (0, 1 << 40)})
    assert list(too_wide.distinct) == [1] and "bitstring_agg" not in too_wide.scan_sql
    bigquery = Compiler("`p`.`d`.`orders`", "bigquery").plan(specs[:1], bounds={1: (1, 5)})
    assert list(bigquery.distinct) == [1]


@pytest.mark.parametrize(
    ("values", "repeated"),
    [
        ([1, 2, 3, None, None], 0),  # nulls are not repeats
        ([5, 5, 7, 7, 7, -2], 3),  # bitmap path, negative lower bound
        ([1, 1, 1 << 40, 1 << 40, 3], 2),  # range too wide for a bitmap: count(distinct)
        (["a", "b", "a", None], 1),  # text: count(distinct)
    ],
)
def test_unique_counts_repeats_exactly_on_every_path(shop, settings, values, repeated):
    kind = "varchar" if isinstance(values[0], str) else "bigint"
    with get_engine(EngineConfig(duckdb_path=settings.WAREHOUSE_DUCKDB_PATH)) as engine:
        engine.execute(f"create table good.keys (k {kind})")
        for value in values:
            engine.execute("insert into good.keys values ($v)", {"v": value})
    dataset = catalogue("warehouse.good.keys", "curated")
    add_check(dataset, "unique", column="k")
    (result,) = quality_checks_run(datasets=[dataset], now=NOW)
    assert (result.failing_count, result.status) == (repeated, Status.PASS if repeated == 0 else Status.FAIL)


def test_referential_counts_each_orphan_once_when_the_target_repeats_keys(shop, settings):
    with get_engine(EngineConfig(duckdb_path=settings.WAREHOUSE_DUCKDB_PATH)) as engine:
        engine.execute("create table good.repeated as select * from (values (1), (1), (2), (2)) t(id)")
    catalogue("warehouse.good.repeated", "curated")
    check = add_check(
        shop["good", "orders"], "referential", params={"to": "good.repeated", "to_column": "id"}
    )
    (result,) = quality_checks_run(datasets=[shop["good", "orders"]], now=NOW)
    assert (result.quality_check, result.failing_count) == (check, 1)  # customer 3; customers 1 and 2 match
