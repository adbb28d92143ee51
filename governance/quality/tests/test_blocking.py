"""Blocking, end to end with a real dbt build: an error-level check that fails on a dataset holds
back its downstream models in the same job run (their previous output stays) and alerts the
stewards; the run's results reach the lineage sink as OpenLineage data-quality facets."""

import pytest
from django.conf import settings
from django.core import mail

from catalog.models import Dataset
from catalog.tests.factories import level
from governance.models import CheckResult, QualityCheck, QualityScore
from warehouse import config
from warehouse.lake import Lake
from warehouse.models import JobRun, WarehouseModel
from warehouse.services import job_run_execute
from warehouse.tests.fixture_lake import wo, write, write_fixture

pytestmark = pytest.mark.django_db
SENT = []
SELECTION = "+mart_work_order_status"


def collecting_sink(**kwargs):
    SENT.append(kwargs)


def run_job(job="adhoc", selection=SELECTION):
    run = JobRun.objects.create(job=job, selection=selection)
    return job_run_execute(job_run_id=run.pk)


def rows(table):
    with config.engine() as engine:
        return sorted(engine.query(f"select * from {table}").to_pylist(), key=repr)  # noqa: S608 # nosec B608 # names quoted by the engine, values bound


@pytest.fixture
def gated_warehouse(warehouse_dirs, settings, data_steward):
    SENT.clear()
    settings.WAREHOUSE_LINEAGE_SINK = "governance.quality.tests.test_blocking.collecting_sink"
    write_fixture(Lake(settings.LAKE_URL))
    fact = Dataset.objects.create(
        namespace=settings.WAREHOUSE_NAMESPACE,
        layer=Dataset.Layer.CURATED,
        name="warehouse.curated.fact_work_order_event",
    )
    fact.columns.create(name="work_order_id", data_type="BIGINT", classification=level("L1"))
    # work orders are numbered below 500 at the source; dbt's own tests do not say so
    return QualityCheck.objects.create(
        dataset=fact,
        check_type="range",
        column="work_order_id",
        severity="error",
        params={"min": 1, "max": 499},
    )


def test_a_failing_error_check_holds_back_the_downstream_mart_which_keeps_its_rows(gated_warehouse):
    first = run_job("daily", "")  # the whole graph once, so the tests of a partial run find their tables
    assert first.status == "succeeded", first.error
    assert gated_warehouse.results.get().status == CheckResult.Status.PASS
    assert_quality_facets(first)
    mart_before = rows("marts.mart_work_order_status")
    assert mart_before and not mail.outbox

    # a later event of a work order numbered outside the range
    write(
        Lake(settings.LAKE_URL),
        "work_order_events",
        [wo(99, 999, 1, "created", "2025-06-02T08:00", "low", "2025-06-03T08:00")],
        batch="later",
    )
    second = run_job()
    assert second.status == "succeeded", second.error  # a held-back model is not a failed run

    result = gated_warehouse.results.get(job_run=second)
    assert (result.status, result.failing_count) == (CheckResult.Status.FAIL, 1)
    (sample,) = result.samples  # shown where classified L0-L2, nulled where unclassified
    assert sample["work_order_id"] == 999 and sample["event_type"] is None
    # the checked model was built with the new event; the mart below it was not touched
    assert 999 in {r["work_order_id"] for r in rows("curated.fact_work_order_event")}
    assert rows("marts.mart_work_order_status") == mart_before
    outcome = {r["unique_id"].split(".")[-1]: r for r in second.results}
    assert outcome["mart_work_order_status"]["status"] == "skipped"
    assert "fact_work_order_event" in outcome["mart_work_order_status"]["message"]
    assert WarehouseModel.objects.get(name="mart_work_order_status").last_status == "skipped"
    # the stewards hear of it once, naming the check and the model held back
    (alert,) = mail.outbox
    assert "work_order_id" in alert.body and "mart_work_order_status" in alert.body
    # a score was recorded for the checked dataset after each run
    assert QualityScore.objects.filter(dataset=gated_warehouse.dataset).count() == 2


def assert_quality_facets(run):
    """The run's check results reached the lineage sink as valid OpenLineage quality facets."""
    from catalog.openlineage.validation import run_event_errors

    (call,) = SENT
    quality = [e for e in call["events"] if e["job"]["name"] == "fact_work_order_event.quality"]
    assert len(quality) == 1 and run_event_errors(quality[0]) == []
    facets = quality[0]["inputs"][0]["inputFacets"]
    (assertion,) = facets["dataQualityAssertions"]["assertions"]
    assert assertion == {
        **assertion,
        "assertion": "range",
        "success": True,
        "column": "work_order_id",
        "severity": "error",
    }
    assert facets["dataQualityMetrics"]["rowCount"] == len(rows("curated.fact_work_order_event"))
    assert quality[0]["run"]["facets"]["parent"]["job"]["name"] == run.job
