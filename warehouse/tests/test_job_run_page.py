"""'Run now' answers at once with the queued run's page, which follows the run until it ends."""

import pytest

from warehouse.models import JobRun, WarehouseModel

pytestmark = pytest.mark.django_db
SCRIPT = "warehouse/job_run_progress.js"


def _page(client, run):
    return client.get(f"/admin/warehouse/jobrun/{run.pk}/change/").content.decode()


def test_run_now_on_models_redirects_to_the_queued_runs_page(client, data_steward, warehouse_dirs):
    for name in ("stg_tenants", "stg_users"):
        WarehouseModel.objects.create(unique_id=f"model.custodian.{name}", name=name, layer="cleansed")
    client.force_login(data_steward)
    response = client.post(
        "/admin/warehouse/warehousemodel/",
        {"action": "run_now", "_selected_action": list(WarehouseModel.objects.values_list("pk", flat=True))},
    )
    run = JobRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/warehouse/jobrun/{run.pk}/change/"
    assert (run.job, run.selection, run.status) == ("models", "stg_tenants stg_users", "queued")
    page = _page(client, run)
    assert 'Status: <strong data-field="status_label">Queued</strong>' in page
    assert 'data-in-progress="true"' in page
    assert "Waiting for the worker to pick the run up." in page
    assert SCRIPT in page


def test_run_again_of_one_run_redirects_to_the_new_run(client, data_steward):
    old = JobRun.objects.create(job="hourly", status="failed")
    client.force_login(data_steward)
    response = client.post("/admin/warehouse/jobrun/", {"action": "run_again", "_selected_action": [old.pk]})
    new = JobRun.objects.exclude(pk=old.pk).get()
    assert response["Location"] == f"/admin/warehouse/jobrun/{new.pk}/change/"


def test_run_again_of_several_runs_stays_on_the_list(client, data_steward):
    runs = [JobRun.objects.create(job=job, status="failed") for job in ("hourly", "daily")]
    client.force_login(data_steward)
    response = client.post(
        "/admin/warehouse/jobrun/",
        {"action": "run_again", "_selected_action": [r.pk for r in runs]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/admin/warehouse/jobrun/"
    assert "2 job(s) queued." in response.content.decode()
    assert JobRun.objects.filter(status="queued").count() == 2


def test_progress_json_follows_a_running_run(client, compliance_officer):
    run = JobRun.objects.create(
        job="daily", status="running", progress=42, current_node="model.custodian.stg_users"
    )
    client.force_login(compliance_officer)
    state = client.get(f"/admin/warehouse/jobrun/{run.pk}/progress/").json()
    assert state == {
        "id": run.pk,
        "status": "running",
        "status_label": "Running",
        "progress": 42,
        "current_node": "model.custodian.stg_users",
        "in_progress": True,
        "error": "",
    }
    page = _page(client, run)
    assert '<progress max="100" value="42" data-field="bar">' in page
    assert "model.custodian.stg_users" in page


def test_a_finished_run_stops_following(client, compliance_officer):
    run = JobRun.objects.create(job="daily", status="failed", progress=30, error="RuntimeError: boom\nmore")
    client.force_login(compliance_officer)
    state = client.get(f"/admin/warehouse/jobrun/{run.pk}/progress/").json()
    assert (state["in_progress"], state["status_label"], state["error"]) == (
        False,
        "Failed",
        "RuntimeError: boom",
    )
    page = _page(client, run)
    assert 'data-in-progress="false"' in page
    assert SCRIPT not in page
    assert "RuntimeError: boom" in page


def test_progress_json_is_not_for_staff_without_access_to_job_runs(client, submission_manager):
    run = JobRun.objects.create(job="daily", status="running", current_node="model.custodian.stg_users")
    client.force_login(submission_manager)
    response = client.get(f"/admin/warehouse/jobrun/{run.pk}/progress/")
    assert response.status_code == 404
    assert b"stg_users" not in response.content


def test_progress_json_sends_the_signed_out_to_sign_in(client):
    run = JobRun.objects.create(job="daily", status="running")
    response = client.get(f"/admin/warehouse/jobrun/{run.pk}/progress/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_progress_json_of_an_unknown_run_is_404(client, compliance_officer):
    client.force_login(compliance_officer)
    assert client.get("/admin/warehouse/jobrun/999999/progress/").status_code == 404


def test_progress_json_takes_few_queries(client, compliance_officer, django_assert_max_num_queries):
    run = JobRun.objects.create(job="daily", status="running")
    client.force_login(compliance_officer)
    client.get(f"/admin/warehouse/jobrun/{run.pk}/progress/")  # warms the session and permissions
    with django_assert_max_num_queries(8):
        assert client.get(f"/admin/warehouse/jobrun/{run.pk}/progress/").status_code == 200
