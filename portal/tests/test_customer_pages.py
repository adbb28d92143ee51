"""The customer portal's pages and downloads as a customer viewer sees them: their organisation's
numbers only, read through the governed path (the row filter of the read path keeps them)."""

import re
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string

from portal.customer.dashboards import DashboardNotFound, customer_dashboard_context
from portal.models import PortalAccess
from portal.tests.customer_world import customer_login
from reporting.models import SavedReport
from warehouse.reads.models import AccessLog, TenantKey

pytestmark = pytest.mark.django_db

# January figures (see customer_world): tenant 1, tenant 2, both together
HELIX, NORTHWIND, EVERYONE = ("87.5 %", "5.0 h"), ("50.0 %", "10.0 h"), ("75.0 %", "6.0 h")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "page.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def figures(page: str) -> str:
    """The numbers a page states (table cells and tiles), not the charts' axis labels."""
    found = re.findall(r'<td>([^<]*)</td>|class="tile-value">([^<]*)<', page)
    return "\n".join(cell or tile for cell, tile in found)


def assert_only(text: str, own: tuple, *others: tuple):
    if "<html" in text:
        text = figures(text)
    assert all(value in text for value in own), own
    leaked = [value for other in others for value in other if value in text]
    assert not leaked, f"another tenant's figures appear: {leaked}"


def test_home_shows_the_organisations_work_orders_only(client, customers):
    customer_login(client, customers["helix"].viewer)
    page = client.get("/customer/").content.decode()
    assert "Work-order performance" in page and "Helix Pharma" in page
    assert "SLA compliance" in page and "Cycle time" in page
    assert_only(page, HELIX, NORTHWIND, EVERYONE)


def test_the_other_customer_sees_its_own_numbers(client, customers):
    customer_login(client, customers["northwind"].viewer)
    page = client.get("/customer/").content.decode()
    assert_only(page, NORTHWIND, HELIX, EVERYONE)


def test_reads_are_logged_in_the_warehouse_log_as_customer_portal_reads(client, customers):
    viewer = customers["helix"].viewer
    customer_login(client, viewer)
    client.get("/customer/")
    reads = AccessLog.objects.filter(user=viewer)
    assert reads.count() >= 4
    assert set(reads.values_list("purpose", flat=True)) == {AccessLog.Purpose.CUSTOMER_PORTAL}


def test_compliance_shows_its_controls_readiness_and_open_items(client, customers):
    customer_login(client, customers["helix"].viewer)
    page = client.get("/customer/compliance/").content.decode()
    assert "82.0 %" in page and "+4.0 pts" in page
    assert "HELIX-BACKUP" in page and "CO-ACCESS" in page and "Company-wide" in page
    assert "F-HELIX" in page and "CAPA-HELIX" in page and "DEV-HELIX" in page
    assert "NORTHWIND" not in page and "61.0 %" not in page


def test_reports_list_and_report_show_only_the_shared_reports(client, customers):
    helix, northwind = customers["helix"], customers["northwind"]
    customer_login(client, helix.viewer)
    listing = client.get("/customer/reports/").content.decode()
    assert helix.report.name in listing and northwind.report.name not in listing
    page = client.get(f"/customer/reports/{helix.report.pk}/").content.decode()
    assert helix.report.name in page
    assert_only(page, HELIX, NORTHWIND, EVERYONE)


def test_a_guessed_id_of_another_organisations_report_is_not_found(client, customers):
    helix, northwind = customers["helix"], customers["northwind"]
    customer_login(client, helix.viewer)
    for url in (
        f"/customer/reports/{northwind.report.pk}/",
        f"/customer/reports/{northwind.report.pk}.pdf",
        f"/customer/reports/{northwind.report.pk}.csv",
        "/customer/reports/999999/",
    ):
        assert client.get(url).status_code == 404, url
    refused = PortalAccess.objects.filter(user=helix.viewer, kind=PortalAccess.Kind.DENIED)
    assert refused.count() == 4 and set(refused.values_list("status_code", flat=True)) == {404}


def test_a_report_filtered_on_another_tenant_still_shows_only_own_rows(client, customers):
    helix = customers["helix"]
    SavedReport.objects.filter(pk=helix.report.pk).update(filters={"tenant_id": 2})
    customer_login(client, helix.viewer)
    page = client.get(f"/customer/reports/{helix.report.pk}/").content.decode()
    assert "No data for this period." in page
    assert not [value for value in (*NORTHWIND, *EVERYONE) if value in figures(page)]


@pytest.mark.parametrize("url", ["/customer/dashboards/work-orders.csv", "/customer/reports/{report}.csv"])
def test_csv_downloads_hold_only_own_numbers(client, customers, url):
    helix = customers["helix"]
    customer_login(client, helix.viewer)
    response = client.get(url.format(report=helix.report.pk))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="helix-')
    assert_only(response.content.decode(), HELIX, NORTHWIND, EVERYONE)
    row = PortalAccess.objects.get(user=helix.viewer, kind=PortalAccess.Kind.DOWNLOAD)
    assert row.detail.endswith(".csv") and row.organization == helix.organization


@pytest.mark.parametrize("url", ["/customer/dashboards/work-orders.pdf", "/customer/reports/{report}.pdf"])
def test_pdf_downloads_hold_only_own_numbers(client, customers, url, tmp_path):
    helix = customers["helix"]
    customer_login(client, helix.viewer)
    response = client.get(url.format(report=helix.report.pk))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert_only(pdf_text(response.content, tmp_path), HELIX, NORTHWIND, EVERYONE)


def test_compliance_downloads_as_csv_and_pdf(client, customers, tmp_path):
    customer_login(client, customers["helix"].viewer)
    csv_text = client.get("/customer/dashboards/compliance.csv").content.decode()
    assert "F-HELIX" in csv_text and "NORTHWIND" not in csv_text
    text = pdf_text(client.get("/customer/dashboards/compliance.pdf").content, tmp_path)
    assert "CAPA-HELIX" in text and "NORTHWIND" not in text


def test_an_unknown_period_is_refused_with_a_message(client, customers):
    customer_login(client, customers["helix"].viewer)
    response = client.get("/customer/?period=forever")
    assert response.status_code == 400 and "Unknown period" in response.content.decode()
    assert client.get("/customer/dashboards/work-orders.csv?period=forever").status_code == 400
    assert client.get("/customer/dashboards/nope.csv").status_code == 404


def test_another_period_can_be_chosen(client, customers):
    customer_login(client, customers["helix"].viewer)
    page = client.get("/customer/?period=last_24_months").content.decode()
    assert '<option value="last_24_months" selected>' in page


def test_an_organisation_without_warehouse_key_gets_a_message_and_no_numbers(client, customers):
    TenantKey.objects.filter(organization=customers["helix"].organization).delete()
    customer_login(client, customers["helix"].viewer)
    response = client.get("/customer/")
    page = response.content.decode()
    assert response.status_code == 200 and "figures are not available yet" in page
    assert not [value for value in (*HELIX, *NORTHWIND, *EVERYONE) if value in figures(page)]


def test_no_shared_report_is_an_empty_state(client, customers):
    SavedReport.objects.all().delete()
    customer_login(client, customers["helix"].viewer)
    assert (
        "No report has been shared with Helix Pharma yet" in client.get("/customer/reports/").content.decode()
    )


def test_the_dashboard_contract_refuses_a_reader_of_another_organisation(customers):
    helix, northwind = customers["helix"], customers["northwind"]
    kwargs = {"slug": "work-orders", "params": {}, "purpose": AccessLog.Purpose.CUSTOMER_PORTAL}
    with pytest.raises(PermissionDenied):
        customer_dashboard_context(reader=northwind.viewer, organization=helix.organization, **kwargs)
    with pytest.raises(PermissionDenied):
        customer_dashboard_context(reader=customers["officer"], organization=helix.organization, **kwargs)
    with pytest.raises(DashboardNotFound):
        customer_dashboard_context(
            reader=helix.viewer, organization=helix.organization, **{**kwargs, "slug": "x"}
        )
    assert not AccessLog.objects.exists()  # refused before any read


def test_the_dashboard_partial_renders_without_page_chrome(customers):
    helix = customers["helix"]
    context = customer_dashboard_context(
        reader=helix.viewer,
        organization=helix.organization,
        slug="compliance",
        params={},
        purpose=AccessLog.Purpose.CUSTOMER_PORTAL,
    )
    html = render_to_string("portal/customer/_dashboard_body.html", context)
    assert "F-HELIX" in html and "Readiness" in html
    assert "<html" not in html and "Sign out" not in html
