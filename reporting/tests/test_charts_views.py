"""The chart partial and tag on a page, and a dashboard chart's CSV download."""

import csv
import io

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from reporting import executive
from reporting.charts import Chart
from reporting.dashboards import dashboard

pytestmark = pytest.mark.django_db


def arr_by_tier(params):
    tiers = params.getlist("tier") or ["Enterprise", "SMB"]
    rows = [{"tier": tier, "arr": 1000.0 * (i + 1)} for i, tier in enumerate(tiers)]
    return Chart.bar("ARR by tier", rows, x="tier", y="arr", unit="usd", id="arr-by-tier")


@pytest.fixture
def executive_charts(monkeypatch):
    """The executive module's `dashboard_charts`, as h-biz will write it (docs/reporting-charts.md)."""
    calls = []

    def dashboard_charts(request, params):
        calls.append(request.user)
        return {"arr-by-tier": arr_by_tier(params)}

    monkeypatch.setattr(executive, "dashboard_charts", dashboard_charts, raising=False)
    return calls


def render_chart(chart, **context):
    return Template("{% load reporting_charts %}{% chart chart %}").render(
        Context({"chart": chart, **context})
    )


def test_chart_tag_shows_the_svg_the_numbers_and_a_csv_link_with_the_page_filters():
    request = RequestFactory().get("/admin/dashboards/executive/", {"tier": ["Enterprise", "SMB"]})
    html = render_chart(arr_by_tier(request.GET), dashboard=dashboard("executive"), request=request)
    assert html.count("<svg ") == 1 and "<title id=" in html
    assert '<td class="numeric">$2K</td>' in html and "<td>SMB</td>" in html
    assert 'href="/admin/dashboards/executive/charts/arr-by-tier.csv?tier=Enterprise&amp;tier=SMB"' in html
    assert "reporting/charts.css" in html


def test_a_chart_outside_a_dashboard_offers_its_csv_as_a_data_url():
    html = render_chart(Chart.bar("Tickets", [{"tenant": "Acme", "n": 3}], x="tenant", y="n"))
    assert 'href="data:text/csv;charset=utf-8,Tenant%2CN%0D%0AAcme%2C3%0D%0A"' in html


def test_an_empty_chart_renders_an_empty_state_and_no_svg():
    html = render_chart(Chart.line("ARR", [], x="period", y="arr", unit="usd"))
    assert "No data for ARR with these filters." in html
    assert "<svg" not in html and "CSV" not in html


def test_unit_format_filter_formats_like_the_charts():
    html = Template(
        '{% load reporting_charts %}{{ arr|unit_format:"usd" }} · {{ nrr|unit_format:"percent" }}'
    )
    assert html.render(Context({"arr": 1_234_567, "nrr": 1.042})) == "$1.2M · 104.2 %"


def test_chart_csv_download_holds_the_chart_for_the_same_filters(client, executive, executive_charts):
    client.force_login(executive)
    response = client.get("/admin/dashboards/executive/charts/arr-by-tier.csv?tier=Mid-market")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="executive-arr-by-tier.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["Tier", "Arr"],
        ["Mid-market", "1000.0"],
    ]
    assert executive_charts == [executive]


def test_a_user_who_cannot_see_the_dashboard_cannot_download_its_charts(
    client, data_steward, executive_charts
):
    client.force_login(data_steward)
    response = client.get("/admin/dashboards/executive/charts/arr-by-tier.csv")
    assert response.status_code == 403
    assert executive_charts == []  # refused before any number was read


def test_signed_out_visitor_is_sent_to_sign_in(client, executive_charts):
    response = client.get("/admin/dashboards/executive/charts/arr-by-tier.csv")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert executive_charts == []


def test_unknown_chart_or_dashboard_is_not_found(client, executive, executive_charts):
    client.force_login(executive)
    assert client.get("/admin/dashboards/executive/charts/nope.csv").status_code == 404
    assert client.get("/admin/dashboards/nope/charts/arr-by-tier.csv").status_code == 404


def test_a_dashboard_without_charts_has_no_csv(client, compliance_officer, monkeypatch):
    from reporting import compliance

    monkeypatch.delattr(compliance, "dashboard_charts", raising=False)
    client.force_login(compliance_officer)
    assert client.get("/admin/dashboards/compliance/charts/readiness.csv").status_code == 404
