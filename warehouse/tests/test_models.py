import pytest
from django.db import IntegrityError

from warehouse.models import JobRun

pytestmark = pytest.mark.django_db


def test_progress_beyond_one_hundred_percent_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        JobRun.objects.create(job="dbt build", progress=101)


def test_job_runs_are_read_only_in_the_admin(client, compliance_officer):
    run = JobRun.objects.create(job="dbt build", status="failed", error="model fct_x failed")
    client.force_login(compliance_officer)
    shown = client.get("/admin/warehouse/jobrun/?status__exact=failed").context["cl"].result_list
    assert list(shown) == [run]
    assert client.get("/admin/warehouse/jobrun/add/").status_code == 403
    assert client.post(f"/admin/warehouse/jobrun/{run.pk}/change/", {"job": "x"}).status_code == 403
    run.refresh_from_db()
    assert run.job == "dbt build"
