"""The warehouse access log in the admin: read-only, filtered and searched, exported as CSV;
the PHI daily counts and the digests beside it."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from accounts.models import AuditEntry
from catalog.tests.factories import ColumnFactory
from warehouse.reads.models import AccessLog, AccessLogDigest, PhiColumnDailyAccess

pytestmark = pytest.mark.django_db
LOG = "/admin/warehouse_reads/accesslog/"


def _read(user, *, outcome="allowed", table="marts.mart_revenue_monthly", at=None, **kwargs):
    fields = {
        "roles": ["Executive"],
        "purpose": "dashboard",
        "datasets": [table],
        "columns": [{"table": table, "column": "revenue", "level": "L2", "masked": False}],
        "row_count": 12,
        "duration_ms": 35,
        "engine": "duckdb",
        **kwargs,
    }
    return AccessLog.objects.create(
        user=user, outcome=outcome, at=at or datetime(2026, 12, 1, 9, tzinfo=UTC), **fields
    )


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_nobody_adds_changes_or_deletes_log_rows(client, compliance_officer, executive):
    row = _read(executive)
    client.force_login(compliance_officer)
    assert client.get(f"{LOG}add/").status_code == 403
    assert client.post(f"{LOG}{row.pk}/change/", {"purpose": "audit"}).status_code == 403
    assert client.post(f"{LOG}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.purpose == "dashboard"
    page = client.get(f"{LOG}{row.pk}/change/").content.decode()
    assert 'name="_save"' not in page


def test_the_list_shows_readers_by_name_and_codes_by_label(client, compliance_officer, executive):
    _read(executive, masked_columns=["dim_patient.ssn"], purpose="customer_portal")
    client.force_login(compliance_officer)
    page = client.get(LOG).content.decode()
    assert "Test Eve" in page and "Customer portal" in page and ">ssn<" in page
    assert "customer_portal" not in page.split('id="result_list"')[1].split("</table>")[0]


def test_filters_and_search_by_outcome_dataset_column_and_reader(
    client, compliance_officer, executive, data_steward
):
    _read(executive)
    _read(data_steward, outcome="denied", table="curated.dim_patient", message="No policy")
    _read(
        data_steward,
        table="curated.fct_claims",
        columns=[{"table": "curated.fct_claims", "column": "diagnosis_code", "level": "L4", "masked": True}],
    )
    client.force_login(compliance_officer)

    def shown(query):
        return [row.datasets[0] for row in client.get(f"{LOG}?{query}").context["cl"].result_list]

    assert shown("outcome__exact=denied") == ["curated.dim_patient"]
    assert shown("q=dim_patient") == ["curated.dim_patient"]
    assert shown("q=diagnosis_code") == ["curated.fct_claims"]
    assert sorted(shown(f"user__id__exact={executive.pk}")) == ["marts.mart_revenue_monthly"]
    assert len(shown("q=Dana")) == 2


def test_csv_export_holds_the_filtered_rows_and_is_recorded(
    client, compliance_officer, executive, data_steward
):
    _read(executive)
    _read(data_steward, outcome="denied", table="curated.dim_patient", message="=HYPERLINK(evil)")
    client.force_login(compliance_officer)

    response = client.get(f"{LOG}export/?outcome__exact=denied")

    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert [(r["username"], r["reader"], r["outcome"], r["datasets"]) for r in rows] == [
        ("dana", "Test Dana", "Denied", "curated.dim_patient")
    ]
    assert rows[0]["message"] == "'=HYPERLINK(evil)"  # no spreadsheet runs it
    export = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
    assert export.actor == compliance_officer
    assert export.additional_data == {"export": "warehouse access log", "filter": "outcome__exact=denied"}


def test_the_list_links_the_export_with_its_filters(client, compliance_officer):
    client.force_login(compliance_officer)
    page = client.get(f"{LOG}?purpose__exact=api").content.decode()
    assert f'href="{LOG}export/?purpose__exact=api"' in page


def test_roles_without_the_log_see_neither_list_nor_export(client, submission_manager, executive):
    _read(executive)
    client.force_login(submission_manager)
    assert client.get(LOG).status_code == 403
    assert client.get(f"{LOG}export/").status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_log_list_queries_do_not_grow_with_rows(
    client, compliance_officer, executive, data_steward, django_assert_max_num_queries
):
    readers = [executive, data_steward]
    for i in range(5):
        _read(readers[i % 2])
    client.force_login(compliance_officer)
    with django_assert_max_num_queries(30) as five:
        assert len(client.get(LOG).context["cl"].result_list) == 5
    for i in range(45):
        _read(readers[i % 2], masked_columns=["a.b"])
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert len(client.get(LOG).context["cl"].result_list) == 50


def test_phi_counts_and_digests_are_read_only_lists(
    client, compliance_officer, executive, django_assert_max_num_queries
):
    column = ColumnFactory(name="diagnosis_code")
    PhiColumnDailyAccess.objects.create(
        day=date(2026, 12, 1), user=executive, column=column, reads=3, reads_in_clear=0, rows=40
    )
    AccessLogDigest.objects.create(day=date(2026, 12, 1), rows=3, first_id=1, last_id=3, digest="ab" * 32)
    client.force_login(compliance_officer)
    with django_assert_max_num_queries(20):
        page = client.get("/admin/warehouse_reads/phicolumndailyaccess/").content.decode()
    assert "Test Eve" in page and "diagnosis_code" in page
    assert "abababababababab…" in client.get("/admin/warehouse_reads/accesslogdigest/").content.decode()
    assert client.get("/admin/warehouse_reads/phicolumndailyaccess/add/").status_code == 403
    assert client.get("/admin/warehouse_reads/accesslogdigest/add/").status_code == 403


def test_warehouse_access_sits_with_the_warehouse_in_the_navigation(client, data_steward):
    client.force_login(data_steward)
    groups = {group["name"]: group for group in client.get("/admin/").context["app_list"]}
    names = {model["object_name"] for model in groups["Warehouse and reporting"]["models"]}
    assert {"AccessPolicy", "AccessLog", "LevelMasking", "TenantKey"} <= names
