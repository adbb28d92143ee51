"""The reporting API: metric definitions, series through the governed path, the caller's dashboards."""

import pytest

from reporting.metric_layer import metric_layer
from warehouse.reads.models import AccessLog

pytestmark = pytest.mark.django_db

SERIES = "/api/v1/reporting/metrics/{}/series/"


def test_metrics_are_listed_with_their_definitions(marts_world, client, executive):
    client.force_login(executive)
    body = client.get("/api/v1/reporting/metrics/").json()
    assert [m["name"] for m in body] == list(metric_layer().metrics)
    nrr = client.get("/api/v1/reporting/metrics/nrr/").json()
    assert (nrr["measure"], nrr["columns"], nrr["period"]) == ("ratio", ["end_mrr", "start_mrr"], "end")
    assert nrr["dataset_id"] is not None
    assert client.get("/api/v1/reporting/metrics/nope/").status_code == 404


def test_a_series_by_quarter_and_segment(marts_world, client, executive):
    client.force_login(executive)
    response = client.get(SERIES.format("mrr"), {"grain": "quarter", "dimension": "tier", "region": "us"})
    assert response.status_code == 200
    body = response.json()
    assert body["freshness"] == {"run_id": None, "job": "", "finished_at": None}
    points = {(p["period"], p["segment"]): p["value"] for p in body["points"]}
    q1, q2 = "2026-01-01", "2026-04-01"
    assert points == {
        (q1, "enterprise"): 1200,
        (q1, "growth"): 300,
        (q2, "enterprise"): 1100,
        (q2, "growth"): 300,
    }
    log = AccessLog.objects.get()
    assert log.purpose == AccessLog.Purpose.API and log.request_id == response["X-Request-ID"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"grain": "week"}, "Unknown grain 'week'"),
        ({"dimension": "tenant_id"}, "cannot be broken down by 'tenant_id'"),
        ({"start": "2026-13-01"}, "`start` must be a date"),
        ({"colour": "red"}, "Unknown parameter(s) colour"),
    ],
)
def test_bad_parameters_are_a_400_that_says_why_and_reads_nothing(
    marts_world, client, executive, params, message
):
    client.force_login(executive)
    response = client.get(SERIES.format("arr"), params)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not AccessLog.objects.exists()


def test_a_reader_without_access_gets_403_and_the_refusal_is_logged(marts_world, client, outsider):
    client.force_login(outsider)
    response = client.get(SERIES.format("arr"))
    assert response.status_code == 403
    assert AccessLog.objects.get().outcome == AccessLog.Outcome.DENIED


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/reporting/metrics/").status_code in (401, 403)
    assert client.get(SERIES.format("arr")).status_code in (401, 403)


def test_dashboards_are_those_of_the_callers_roles(client, executive, data_steward, outsider):
    client.force_login(executive)
    slugs = [d["slug"] for d in client.get("/api/v1/reporting/dashboards/").json()]
    assert slugs == ["executive", "operational", "compliance"]
    client.force_login(data_steward)
    assert [d["slug"] for d in client.get("/api/v1/reporting/dashboards/").json()] == [
        "operational",
        "data-health",
    ]
    client.force_login(outsider)
    assert client.get("/api/v1/reporting/dashboards/").json() == []


def test_the_endpoints_are_in_the_openapi_schema(client, executive):
    client.force_login(executive)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for route in ("metrics/", "metrics/{name}/", "metrics/{name}/series/", "dashboards/"):
        assert f"/api/v1/reporting/{route}" in schema["paths"]
    series = schema["paths"]["/api/v1/reporting/metrics/{name}/series/"]["get"]
    assert {"200", "400", "403"} <= set(series["responses"])
