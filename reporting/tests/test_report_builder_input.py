"""Bad input to the report builder gets a clear message and changes nothing; the list shows
labels and names and costs the same number of queries for 2 or 20 reports."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from reporting.models import SavedReport
from reporting.tests.test_report_builder import ADD, ARR_BY_TIER, LIST, change_url, make_report
from warehouse.reads.models import AccessPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward_client(client, data_steward, marts_world):
    client.force_login(data_steward)
    return client


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"metrics": ["gross_margin"]}, "Gross margin cannot be broken down by tier: it has no breakdown."),
        (
            {"metrics": ["arr", "work_orders_completed"], "dimension": "region"},
            "Work orders completed cannot be broken down by region; it allows tenant, tier.",
        ),
        (
            {"start": "2026-05-01", "end": "2026-01-31"},
            "The period starts (2026-05-01) after it ends (2026-01-31).",
        ),
        ({"start": "2020-01-01", "end": "2020-12-31"}, "No data for this period."),
        ({"start": ""}, "A custom period needs both a start and an end date."),
        ({"metrics": []}, "This field is required."),
        ({"metrics": ["arr", "no_such_metric"]}, "Select a valid choice. no_such_metric is not one of"),
        ({"grain": "week"}, "Select a valid choice. week is not one of"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(steward_client, changes, message):
    response = steward_client.post(ADD, {**ARR_BY_TIER, **changes, "_save": "1"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SavedReport.objects.exists()


def test_a_preview_of_an_empty_period_says_so(steward_client):
    response = steward_client.post(
        ADD, {**ARR_BY_TIER, "start": "2020-01-01", "end": "2020-12-31", "_preview": "1"}
    )
    page = response.content.decode()
    assert "No data for this period." in page and "chart-picture" not in page


def test_a_change_that_fails_leaves_the_saved_report_as_it_was(steward_client, data_steward):
    report = make_report(data_steward, name="Kept")
    bad = {**ARR_BY_TIER, "name": "Changed", "metrics": ["gross_margin"], "_save": "1"}
    assert steward_client.post(change_url(report), bad).status_code == 400
    report.refresh_from_db()
    assert (report.name, report.metrics) == ("Kept", ["arr"])


def test_a_removed_metric_is_named_on_the_page_and_in_exports(steward_client, data_steward):
    report = make_report(data_steward, name="Old pack", metrics=["arr", "bookings"])
    page = steward_client.get(change_url(report))
    assert page.status_code == 200
    assert "The metric &#x27;bookings&#x27; is no longer in the metric layer." in page.content.decode()
    for kind in ("csv", "pdf"):
        response = steward_client.get(f"{LIST}{report.pk}/export.{kind}", follow=True)
        assert response.redirect_chain[-1][0] == change_url(report)
        assert f"The {kind.upper()} could not be made." in response.content.decode()
    listed = steward_client.get(LIST).content.decode()
    assert "ARR, bookings (removed)" in listed


def test_a_refused_read_is_explained(client, compliance_officer, marts_world):
    # compliance officers build reports; without an active policy on the marts they cannot read them
    AccessPolicy.objects.filter(role__name=roles.COMPLIANCE_OFFICER).update(
        status=AccessPolicy.Status.RETIRED
    )
    client.force_login(compliance_officer)
    response = client.post(ADD, {**ARR_BY_TIER, "_preview": "1"})
    assert response.status_code == 400
    assert "The report cannot be read:" in response.content.decode()


def test_the_list_shows_labels_names_and_shares(steward_client, data_steward):
    report = make_report(
        data_steward, metrics=["arr", "nrr"], dimension="icp_segment", period="last_12_months"
    )
    report.shared_with_roles.add(Group.objects.get(name=roles.EXECUTIVE))
    make_report(data_steward, name="Private")
    page = steward_client.get(LIST).content.decode()
    assert "ARR, NRR (12 months)" in page and "ICP segment" in page and "Last 12 months, monthly" in page
    assert "Test Dana" in page and "Executive" in page and "Only the owner" in page
    assert ">arr<" not in page and "icp_segment<" not in page


def _grow(owner, n, start):
    groups = list(Group.objects.all())
    for i in range(start, start + n):
        report = make_report(owner, name=f"Report {i}")
        report.shared_with_roles.add(*groups[:2])


def test_list_queries_stay_flat_as_reports_grow(steward_client, data_steward, django_assert_max_num_queries):
    _grow(data_steward, 2, 0)
    steward_client.get(LIST)
    with django_assert_max_num_queries(14) as few:
        steward_client.get(LIST)
    _grow(data_steward, 20, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = steward_client.get(LIST)
    assert len(response.context["cl"].result_list) == 22
