"""Metric pages keep answering from the published read copy while the worker writes the warehouse."""

from reporting.tests.marts_world import Q1
from warehouse.read_copy import read_copy_publish
from warehouse.tests.duckdb_holder import held_for_writing


def test_a_metric_page_answers_from_the_copy_while_another_process_writes_the_warehouse(
    marts_world, settings, client, executive
):
    settings.WAREHOUSE_DUCKDB_READ_COPY = str(marts_world.parent / "warehouse-published.duckdb")
    assert read_copy_publish() is True
    client.force_login(executive)
    with held_for_writing(marts_world):
        response = client.get("/admin/metrics/sla_compliance/", {"grain": "quarter"})
        rows = client.get(
            "/admin/metrics/sla_compliance/rows/",
            {"period": Q1.isoformat(), "grain": "quarter", "limit": "3"},
        )
    assert response.status_code == 200
    assert f"{22 / 26 * 100:.1f} %" in response.content.decode()
    assert rows.status_code == 200
    assert "3 rows; more exist" in rows.content.decode()
