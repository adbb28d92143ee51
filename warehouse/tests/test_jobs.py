"""Jobs end to end: services, the Celery task, commands, admin, beat and the lineage hook."""

import pytest
from celery.exceptions import Retry
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from warehouse import config
from warehouse.models import JobRun, WarehouseModel
from warehouse.services import job_run_request
from warehouse.tasks import run_job, run_scheduled_job

pytestmark = pytest.mark.django_db
RECEIVED = []


def collecting_sink(**kwargs):
    RECEIVED.append(kwargs)


@pytest.fixture
def sink(settings):
    RECEIVED.clear()
    settings.WAREHOUSE_LINEAGE_SINK = "warehouse.tests.test_jobs.collecting_sink"
    return RECEIVED


def test_generate_then_run_shows_progress_and_records_everything(warehouse_dirs, sink, capsys):
    call_command("warehouse_generate", "--tenants", "3", "--months", "2", "--seed", "5")
    assert "change events" in capsys.readouterr().out
    call_command("warehouse_run")
    captured = capsys.readouterr()
    assert "[" + "#" * 30 + "]" in captured.err  # the progress bar reached the end
    run = JobRun.objects.get()
    assert (run.status, run.progress, run.trigger, run.job) == ("succeeded", 100, "manual", "daily")
    assert run.rows_written > 0 and any(r["unique_id"].startswith("test.") for r in run.results)
    model = WarehouseModel.objects.get(name="mart_revenue_monthly")
    assert model.layer == "marts" and model.last_status == "success" and model.last_run == run
    # the daily job publishes cleansed and curated tables to the lake
    assert config.lake().files("curated", "fact_work_order_event")
    # the lineage hook got the events and the artifacts of this run
    (call,) = sink
    assert call["job_run_id"] == run.pk
    assert call["manifest_path"].endswith(f"runs/{run.pk}/manifest.json")
    assert call["run_results_path"].endswith(f"runs/{run.pk}/run_results.json")
    assert {e["eventType"] for e in call["events"]} == {"START", "COMPLETE"}


def test_generate_refuses_bad_arguments(warehouse_dirs):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("warehouse_generate", "--tenants", "0")
    with pytest.raises(CommandError, match="--start"):
        call_command("warehouse_generate", "--start", "2025-13-01")
    assert not config.lake().tables("raw")


def _raw_files():
    lake = config.lake()
    return {t: lake.files("raw", t) for t in lake.tables("raw")}


def test_generate_refuses_a_raw_lake_holding_another_generation(warehouse_dirs, capsys):
    call_command("warehouse_generate", "--tenants", "3", "--months", "2", "--seed", "5")
    first = _raw_files()
    with pytest.raises(CommandError, match=r"raw layer already holds 10 tables .*--replace"):
        call_command("warehouse_generate", "--tenants", "2", "--months", "1", "--seed", "9")
    assert _raw_files() == first


def test_generate_with_replace_clears_the_raw_layer_first(warehouse_dirs, capsys):
    call_command("warehouse_generate", "--tenants", "3", "--months", "2", "--seed", "5")
    call_command("warehouse_generate", "--tenants", "2", "--months", "1", "--seed", "9", "--replace")
    files = [f for paths in _raw_files().values() for f in paths]
    assert files and all("part-s9-" in f for f in files)
    tenants = config.lake().read("raw", "tenants")
    assert len(set(tenants.column("tenant_id").to_pylist())) == 2


def test_failing_job_retries_then_alerts_the_data_stewards(
    warehouse_dirs, settings, data_steward, mailoutbox, django_capture_on_commit_callbacks
):
    settings.WAREHOUSE_JOB_MAX_RETRIES = 1
    data_steward.email = "dana@example.com"
    data_steward.save()
    # No raw data yet, so the stg_* models fail: the first attempt schedules a retry …
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        job_run_request(job="events", actor=data_steward)
    run = JobRun.objects.get()
    assert (run.status, run.retries, mailoutbox) == ("failed", 1, [])
    assert "stg_usage_events" in run.error and "No files found" in run.error
    # … and the retry (as the worker delivers it, with its retry count) fails for good and alerts.
    assert run_job.apply(args=[run.pk], retries=1).get() == "failed"
    assert [m.to for m in mailoutbox] == [["dana@example.com"]]
    assert "events" in mailoutbox[0].subject and "stg_usage_events" in mailoutbox[0].body
    assert JobRun.objects.get().requested_by == data_steward


def test_command_reports_a_failed_run(warehouse_dirs):
    with pytest.raises(CommandError, match="failed"):
        call_command("warehouse_run", "--model", "stg_tenants")
    assert JobRun.objects.get().status == "failed"


def test_starting_jobs_needs_the_run_permission(compliance_officer):
    with pytest.raises(PermissionDenied):
        job_run_request(job="daily", actor=compliance_officer)
    assert not JobRun.objects.exists()


def test_run_now_is_offered_to_data_stewards_only(client, data_steward, compliance_officer, warehouse_dirs):
    old = JobRun.objects.create(job="hourly", status="failed")
    client.force_login(compliance_officer)
    page = client.get("/admin/warehouse/jobrun/")
    assert "run_again" not in page.content.decode()
    client.post("/admin/warehouse/jobrun/", {"action": "run_again", "_selected_action": [old.pk]})
    assert JobRun.objects.count() == 1

    client.force_login(data_steward)
    assert "run_again" in client.get("/admin/warehouse/jobrun/").content.decode()
    client.post("/admin/warehouse/jobrun/", {"action": "run_again", "_selected_action": [old.pk]})
    new = JobRun.objects.exclude(pk=old.pk).get()
    assert (new.job, new.requested_by, new.trigger) == ("hourly", data_steward, "manual")


def test_job_run_list_shows_progress_without_a_query_per_row(client, compliance_officer, data_steward,
                                                             django_assert_max_num_queries):  # fmt: skip
    for i in range(30):
        JobRun.objects.create(job=f"job{i}", status="running", progress=i, requested_by=data_steward)
    client.force_login(compliance_officer)
    with django_assert_max_num_queries(15):
        page = client.get("/admin/warehouse/jobrun/?status__exact=running")
    assert page.status_code == 200
    assert '<progress max="100" value="29">' in page.content.decode()


def test_model_list_shows_freshness(client, compliance_officer):
    WarehouseModel.objects.create(unique_id="model.custodian.dim_time", name="dim_time", layer="curated")
    client.force_login(compliance_officer)
    page = client.get("/admin/warehouse/warehousemodel/?layer=curated")
    assert "never built" in page.content.decode()


def test_beat_schedule_names_the_jobs_and_records_scheduled_runs(warehouse_dirs, settings):
    settings.WAREHOUSE_JOB_MAX_RETRIES = 0
    entries = {
        v["args"][0]: v
        for v in settings.CELERY_BEAT_SCHEDULE.values()
        if v["task"] == "warehouse.tasks.run_scheduled_job"
    }
    assert set(entries) == {"events", "hourly", "daily"}
    assert entries["events"]["schedule"].minute == set(range(0, 60, 5))
    run_scheduled_job("events")  # empty lake: the run fails, and is recorded as such
    run = JobRun.objects.get()
    assert (run.job, run.trigger, run.status) == ("events", "schedule", "failed")


def keep_names_drop_emails():
    return {"users": {"email": "drop", "full_name": "tokenise"}}


def test_column_handling_follows_the_configured_classification_provider(warehouse_dirs, settings):
    settings.WAREHOUSE_COLUMN_POLICIES = "warehouse.tests.test_jobs.keep_names_drop_emails"
    call_command("warehouse_generate", "--tenants", "2", "--months", "1")
    call_command("warehouse_run", "--model", "stg_users")
    with config.engine() as engine:
        columns = [c.name for c in engine.describe("cleansed.stg_users")]
        names = engine.query("select full_name from cleansed.stg_users").column("full_name").to_pylist()
    assert "email" not in columns and "full_name" in columns
    assert all(len(n) == 64 and not n.startswith("User ") for n in names)
