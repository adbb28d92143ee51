"""The report builder in the admin, against marts_world.py (values computed by hand there):

ARR (12 times MRR) per month of 2026: Jan $13.2K (enterprise $12K, starter $1.2K), Feb $19.2K,
Mar $18K, Apr $17.4K. Work orders completed in January: 8 for tenant 1, 4 for tenant 2.
"""

import subprocess

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.tests.factories import OrganizationFactory
from reporting.models import SavedReport
from reporting.reports.saved import visible_to
from warehouse.reads.models import AccessLog, TenantKey

ADD = "/admin/reporting/savedreport/add/"
LIST = "/admin/reporting/savedreport/"

ARR_BY_TIER = {
    "name": "ARR by tier",
    "metrics": ["arr"],
    "dimension": "tier",
    "grain": "month",
    "period": "custom",
    "start": "2026-01-01",
    "end": "2026-04-30",
}


def change_url(report) -> str:
    return f"{LIST}{report.pk}/change/"


def make_report(owner, **fields) -> SavedReport:
    values = {
        "name": "ARR monthly",
        "metrics": ["arr"],
        "period": SavedReport.Period.CUSTOM,
        "start": "2026-01-01",
        "end": "2026-04-30",
    }
    return SavedReport.objects.create(owner=owner, **(values | fields))


@pytest.fixture
def steward_client(client, data_steward, marts_world):
    client.force_login(data_steward)
    return client


def preview_rows(response) -> dict[str, list[list]]:
    document = response.context["document"]
    return {s.heading: [[row[key] for key, _ in s.columns] for row in s.rows] for s in document.sections}


def test_preview_shows_the_table_and_chart_and_saves_nothing(steward_client):
    response = steward_client.post(ADD, {**ARR_BY_TIER, "_preview": "1"})
    assert response.status_code == 200
    rows = preview_rows(response)["ARR"]
    assert ["Jan 2026", "Enterprise", "$12K"] in rows and ["Jan 2026", "Starter", "$1.2K"] in rows
    assert ["Feb 2026", "Growth", "$3.6K"] in rows
    page = response.content.decode()
    assert 'class="chart-picture"><svg' in page and "Preview (not saved)" in page and "by tier" in page
    assert not SavedReport.objects.exists()
    assert AccessLog.objects.filter(purpose=AccessLog.Purpose.PREVIEW).exists()


def test_saving_keeps_the_picks_and_shares(steward_client, data_steward):
    executives = Group.objects.get(name=roles.EXECUTIVE)
    helix = OrganizationFactory(name="Helix Pharma", slug="helix-pharma")
    form = {**ARR_BY_TIER, "filter_region": "us", "shared_with_roles": [executives.pk]}
    response = steward_client.post(ADD, {**form, "shared_with_organizations": [helix.pk], "_save": "1"})
    report = SavedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(report)
    assert (report.owner, report.metrics, report.dimension, report.filters) == (
        data_steward,
        ["arr"],
        "tier",
        {"region": "us"},
    )
    assert str(report.start) == "2026-01-01" and str(report.end) == "2026-04-30"
    assert list(report.shared_with_roles.all()) == [executives]
    assert list(report.shared_with_organizations.all()) == [helix]
    page = steward_client.get(change_url(report)).content.decode()
    assert "Region: United States" in page and "$3.6K" in page  # growth, the only us row besides enterprise


def test_csv_export_has_the_hand_computed_numbers_with_labels(steward_client, data_steward):
    report = make_report(data_steward, dimension="tier")
    response = steward_client.get(f"{LIST}{report.pk}/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="arr-monthly-' in response["Content-Disposition"]
    text = response.content.decode()
    assert "Period,Tier,ARR" in text
    assert "Jan 2026,Enterprise,$12K" in text and "Apr 2026,Starter,$600" in text
    assert AccessLog.objects.filter(purpose=AccessLog.Purpose.REPORT, user=data_steward).exists()


def test_pdf_export_reads_back_with_the_numbers(steward_client, data_steward, tmp_path):
    report = make_report(data_steward, name="Board pack", metrics=["arr", "customers"])
    response = steward_client.get(f"{LIST}{report.pk}/export.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Board pack" in text and "Customers" in text
    for shown in ("$13.2K", "$19.2K", "$18K", "$17.4K"):
        assert shown in text


def test_tenants_are_shown_by_organisation_name(steward_client, data_steward):
    TenantKey.objects.create(organization=OrganizationFactory(name="Helix Pharma", slug="helix"), tenant_id=1)
    report = make_report(data_steward, metrics=["work_orders_completed"], dimension="tenant_id")
    text = steward_client.get(f"{LIST}{report.pk}/export.csv").content.decode()
    assert "Jan 2026,Helix Pharma,8" in text
    assert "Tenant 2 (no organisation linked),4" in text


# --- who may build, who sees what -------------------------------------------------------------


@pytest.mark.parametrize("persona", ["data_steward", "compliance_officer"])
def test_stewards_and_compliance_officers_build_reports(client, persona, request, marts_world):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(ADD).status_code == 200
    assert client.get(LIST).status_code == 200


def test_executive_is_refused(client, executive, data_steward):
    report = make_report(data_steward)
    client.force_login(executive)
    assert client.get(ADD).status_code == 403
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{report.pk}/export.csv").status_code == 403
    assert client.post(ADD, {**ARR_BY_TIER, "_save": "1"}).status_code == 403
    assert SavedReport.objects.count() == 1


@pytest.mark.parametrize("persona", ["customer_viewer", "outsider"])
def test_people_outside_the_admin_are_sent_to_sign_in(client, persona, request, data_steward):
    report = make_report(data_steward)
    client.force_login(request.getfixturevalue(persona))
    for url in (ADD, LIST, change_url(report), f"{LIST}{report.pk}/export.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_reports_of_others_are_404_unless_shared(client, data_steward, compliance_officer, marts_world):
    mine = make_report(compliance_officer, name="Mine")
    theirs = make_report(data_steward, name="Not shared")
    client.force_login(compliance_officer)
    assert client.get(change_url(mine)).status_code == 200
    for url in (
        change_url(theirs),
        f"{LIST}{theirs.pk}/export.csv",
        f"{LIST}{theirs.pk}/delete/",
        f"{LIST}9999/change/",
    ):
        assert client.get(url).status_code == 404, url
    listed = [r.name for r in client.get(LIST).context["cl"].result_list]
    assert listed == ["Mine"]


def test_a_report_shared_with_a_role_is_read_only_to_its_holders(
    client, data_steward, compliance_officer, marts_world
):
    report = make_report(data_steward, name="Shared ARR")
    report.shared_with_roles.add(Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    client.force_login(compliance_officer)
    page = client.get(change_url(report))
    assert page.status_code == 200 and not page.context["editable"]
    assert "only its owner changes it" in page.content.decode()
    response = client.post(change_url(report), {**ARR_BY_TIER, "name": "Hijacked", "_save": "1"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.name == "Shared ARR"
    assert client.post(f"{LIST}{report.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SavedReport.objects.filter(pk=report.pk).exists()


def test_a_report_shared_with_an_organisation_reaches_its_people(customer_viewer, data_steward, outsider):
    report = make_report(data_steward)
    assert list(visible_to(customer_viewer)) == []
    report.shared_with_organizations.add(customer_viewer.organization)
    assert list(visible_to(customer_viewer)) == [report]
    assert list(visible_to(outsider)) == []


def test_superusers_see_every_report(client, django_user_model, data_steward, compliance_officer):
    make_report(data_steward, name="A")
    make_report(compliance_officer, name="B")
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.test", "x"))
    assert [r.name for r in client.get(LIST).context["cl"].result_list] == ["A", "B"]


def test_the_owner_deletes_their_report(steward_client, data_steward):
    report = make_report(data_steward)
    response = steward_client.post(f"{LIST}{report.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not SavedReport.objects.exists()
