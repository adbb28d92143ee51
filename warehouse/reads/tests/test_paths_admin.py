"""The admin's Warehouse tables pages: the list, the preview with masked columns marked, the CSV
export (capped, one logged read), refusals with their reason, and the index entry."""

import csv
import io

from django.urls import reverse

from warehouse.reads import views
from warehouse.reads.models import AccessLog
from warehouse.reads.tests.paths_world import (  # noqa: F401  (paths_world_fixture: the fixture)
    CURATED,
    MART,
    paths_world_fixture,
)

TABLES = reverse("admin:warehouse_tables")


def test_tables_page_lists_readable_tables_with_their_masked_columns(
    client, paths_world, data_steward, django_assert_max_num_queries
):
    client.force_login(data_steward)
    with django_assert_max_num_queries(14):
        page = client.get(TABLES).content.decode()
    assert reverse("admin:warehouse_table_preview", args=[MART]) in page
    assert reverse("admin:warehouse_table_preview", args=[CURATED]) in page
    assert 'c_l3 <span class="quiet">(L3, hash)' in page
    assert 'c_unclassified <span class="quiet">(unclassified, null)' in page
    assert "c_l2 <span" not in page  # read in clear
    assert not AccessLog.objects.exists()


def test_tables_page_says_so_when_the_user_may_read_nothing(client, paths_world, submission_manager):
    client.force_login(submission_manager)
    page = client.get(TABLES).content.decode()
    assert "You may read no warehouse table." in page and "<table" not in page.split("content-main")[1]


def test_the_admin_index_links_the_tables_page_under_the_warehouse(client, paths_world, executive):
    client.force_login(executive)
    page = client.get(reverse("admin:index")).content.decode()
    group = page.split('id="group-warehouse"')[1].split("</table>")[0]
    assert f'href="{TABLES}"' in group and "Warehouse tables" in group


def test_preview_marks_masked_columns_and_logs_one_preview_read(client, paths_world, executive):
    client.force_login(executive)
    page = client.get(reverse("admin:warehouse_table_preview", args=[MART])).content.decode()
    assert "3 columns masked for you" in page
    assert 'title="Masked for you: hash">▣ c_l3' in page
    assert "confidential-1" in page and "ann@acme.test" not in page and "J45" not in page
    log = AccessLog.objects.get()
    assert (log.purpose, log.outcome, log.row_count) == ("preview", "allowed", 3)


def test_preview_refused_shows_the_reason_with_a_403(client, paths_world, submission_manager):
    client.force_login(submission_manager)
    response = client.get(reverse("admin:warehouse_table_preview", args=[MART]))
    assert response.status_code == 403
    assert "none of your roles (Submission manager)" in response.content.decode()
    assert AccessLog.objects.get().outcome == AccessLog.Outcome.DENIED


def test_an_unknown_table_is_a_404_page_and_logged(client, paths_world, executive):
    client.force_login(executive)
    response = client.get(reverse("admin:warehouse_table_export", args=["marts.nothing"]))
    assert response.status_code == 404 and "Unknown warehouse table" in response.content.decode()
    assert AccessLog.objects.get().purpose == AccessLog.Purpose.EXPORT


def test_export_streams_csv_capped_as_one_logged_read(client, paths_world, executive, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 2)  # of the mart's 3 rows
    client.force_login(executive)
    response = client.get(reverse("admin:warehouse_table_export", args=[MART]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{MART}-')
    assert response["Content-Disposition"].endswith('-first-2-rows-only.csv"')
    assert response["X-Result-Truncated"] == "2"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2 and {r["c_l4"] for r in rows} == {""}
    log = AccessLog.objects.get()
    assert (log.purpose, log.row_count) == ("export", 2)


def test_an_export_of_exactly_the_cap_is_whole_and_not_cut(client, paths_world, executive, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 3)  # the mart's 3 rows
    client.force_login(executive)
    response = client.get(reverse("admin:warehouse_table_export", args=[MART]))
    assert "X-Result-Truncated" not in response and "rows-only" not in response["Content-Disposition"]
    assert len(list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))) == 3


def test_the_preview_says_whether_the_table_holds_more_rows_than_shown(
    client, paths_world, executive, monkeypatch
):
    client.force_login(executive)
    url = reverse("admin:warehouse_table_preview", args=[MART])
    whole = client.get(url).content.decode()
    assert "All 3 rows you may read" in whole and "more rows than shown" not in whole
    monkeypatch.setattr(views, "PREVIEW_ROWS", 2)
    cut = client.get(url).content.decode()
    assert "The first 2 rows as you may read them" in cut and "the table holds more rows than shown" in cut
    assert "confidential-3" not in cut  # the third row is not shown
