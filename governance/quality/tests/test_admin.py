"""The quality pages: the dataset page's panel and score column, the check list, the SLA report."""

import csv
import io
from datetime import UTC, datetime

import pytest

from catalog.models import Dataset
from catalog.tests.factories import level
from governance.models import CheckResult, QualityCheck, QualityScore, QualitySla

pytestmark = pytest.mark.django_db
NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def scored(name, layer, totals, **kwargs):
    dataset = Dataset.objects.create(namespace="duckdb://custodian", name=name, layer=layer, **kwargs)
    for day, total in enumerate(totals, start=1):
        QualityScore.objects.create(
            dataset=dataset, computed_at=NOV.replace(day=day), total=total, completeness=total
        )
    return dataset


def test_dataset_page_shows_score_chart_checks_and_masked_samples(client, data_steward):
    dataset = scored("w.curated.fact_orders", "curated", [90, 80, 70])
    check = QualityCheck.objects.create(
        dataset=dataset, check_type="range", column="amount", severity="error"
    )
    CheckResult.objects.create(
        quality_check=check,
        status="fail",
        ran_at=NOV,
        message="2 rows outside",
        samples=[{"amount": 5000.0, "email": None}],
    )
    client.force_login(data_steward)
    page = client.get(f"/admin/catalog/dataset/{dataset.pk}/change/").content.decode()
    assert 'id="quality"' in page and "<svg" in page and "Score <strong>70.0</strong>" in page
    assert "SLA target 95" in page  # a curated fact
    assert "Values in range · amount" in page and "Failed" in page and "5000.0" in page


def test_dataset_list_shows_the_latest_score_without_a_query_per_row(
    client, data_steward, django_assert_max_num_queries
):
    for n in range(3):
        scored(f"w.marts.mart_{n}", "mart", [50, 60 + n])
    client.force_login(data_steward)
    with django_assert_max_num_queries(20):
        page = client.get("/admin/catalog/dataset/").content.decode()
    assert "Quality score" in page and ">62<" in page
    for n in range(3, 13):
        scored(f"w.marts.mart_{n}", "mart", [50, 60])
    with django_assert_max_num_queries(20):
        client.get("/admin/catalog/dataset/")


def test_sla_report_lists_missed_slas_first_and_downloads_as_csv(client, compliance_officer):
    mart = scored("w.marts.mart_ok", "mart", [95, 91])  # default target 90: mean 93 met
    restricted = scored(
        "w.cleansed.stg_users", "cleansed", [96, 90], classification=level("L3")
    )  # 95: mean 93 missed
    custom = scored("w.cleansed.stg_tenants", "cleansed", [70, 72])
    QualitySla.objects.create(dataset=custom, target_score=70)
    client.force_login(compliance_officer)
    page = client.get("/admin/governance/qualityscore/sla-report/?month=2026-11").content.decode()
    assert "2 of 3 scored datasets met their SLA" in page
    # per layer: cleansed (93 + 71) / 2 = 82, one of two met; mart 93, met
    assert (
        "<td>Cleansed</td><td>82.0</td><td>1 of 2</td>" in page
        and "<td>Mart</td><td>93.0</td><td>1 of 1</td>" in page
    )
    assert page.index(restricted.name) < page.index(mart.name)
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    "/admin/governance/qualityscore/sla-report/?month=2026-11&format=csv"
                ).content.decode()
            )
        )
    )
    by_name = {r["dataset"]: r for r in rows}
    assert by_name[restricted.name] | {} == {
        **by_name[restricted.name],
        "target": "95.0",
        "met": "no",
        "mean": "93.0",
        "worst": "90.0",
        "scores below target": "1",
    }
    assert (by_name[custom.name]["target set by hand"], by_name[custom.name]["met"]) == ("yes", "yes")
    empty = client.get("/admin/governance/qualityscore/sla-report/?month=2026-10").content.decode()
    assert "No dataset was scored this month." in empty


def test_check_list_shows_the_last_result_by_its_label(client, data_steward):
    dataset = scored("w.curated.fact_x", "curated", [])
    check = QualityCheck.objects.create(dataset=dataset, check_type="unique", column="id")
    CheckResult.objects.create(quality_check=check, status="warn", ran_at=NOV)
    client.force_login(data_steward)
    page = client.get("/admin/governance/qualitycheck/?q=fact_x").content.decode()
    assert "Uniqueness" in page and "Warning" in page and "w.curated.fact_x" in page


def test_outsiders_cannot_open_the_sla_report(client, outsider):
    client.force_login(outsider)
    response = client.get("/admin/governance/qualityscore/sla-report/")
    assert response.status_code in (302, 403)
