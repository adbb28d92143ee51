"""The saved-reports API: only reports visible to the caller, labels beside codes, CSV export."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.services import api_token_create
from reporting.tests.test_report_builder import make_report
from warehouse.reads.models import AccessPolicy

pytestmark = pytest.mark.django_db
LIST = "/api/v1/reporting/reports/"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(user=user, name="t")[1]}


def test_the_list_holds_what_the_caller_may_see(client, data_steward, compliance_officer):
    shared = make_report(data_steward, name="Shared", metrics=["arr", "gone"], dimension="tier")
    shared.shared_with_roles.add(Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    make_report(data_steward, name="Private")
    body = client.get(LIST, **bearer(compliance_officer)).json()
    assert [r["name"] for r in body["results"]] == ["Shared"]
    (report,) = body["results"]
    assert report["owner"] == "Test Dana" and report["dimension_label"] == "Tier"
    assert report["metrics"] == [
        {"name": "arr", "label": "ARR", "removed": False},
        {"name": "gone", "label": "gone", "removed": True},
    ]
    assert report["shared_with_roles"] == [roles.COMPLIANCE_OFFICER]
    assert report["export_csv"] == f"{LIST}{shared.pk}/export.csv"


def test_callers_without_the_permission_are_refused(client, executive, data_steward):
    make_report(data_steward)
    assert client.get(LIST, **bearer(executive)).status_code == 403
    assert client.get(LIST).status_code in (401, 403)


def test_csv_export_reads_as_the_caller(client, data_steward, compliance_officer, marts_world):
    report = make_report(data_steward, name="ARR monthly")
    response = client.get(f"{LIST}{report.pk}/export.csv", **bearer(data_steward))
    assert response.status_code == 200
    assert "Jan 2026,$13.2K" in response.content.decode()
    # not shared with the compliance officer: no hint that it exists
    assert client.get(f"{LIST}{report.pk}/export.csv", **bearer(compliance_officer)).status_code == 404
    report.shared_with_roles.add(Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    shared = client.get(f"{LIST}{report.pk}/export.csv", **bearer(compliance_officer))
    assert shared.status_code == 200 and "Jan 2026,$13.2K" in shared.content.decode()
    AccessPolicy.objects.filter(role__name=roles.COMPLIANCE_OFFICER).update(
        status=AccessPolicy.Status.RETIRED
    )
    refused = client.get(f"{LIST}{report.pk}/export.csv", **bearer(compliance_officer))
    assert refused.status_code == 400 and refused.json()["detail"].startswith("The report cannot be read:")


def test_list_queries_stay_flat(client, data_steward, django_assert_max_num_queries):
    headers = bearer(data_steward)
    for i in range(2):
        make_report(data_steward, name=f"R{i}").shared_with_roles.add(*Group.objects.all()[:2])
    with django_assert_max_num_queries(12) as few:
        client.get(LIST, **headers)
    for i in range(2, 22):
        make_report(data_steward, name=f"R{i}").shared_with_roles.add(*Group.objects.all()[:2])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(LIST, **headers).json()["results"]) == 22
