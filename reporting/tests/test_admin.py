import pytest

from reporting.models import Dashboard

pytestmark = pytest.mark.django_db


def test_executive_sees_dashboards_but_cannot_change_them(client, executive):
    board = Dashboard.objects.create(slug="exec", title="Executive overview", audience="executive")
    client.force_login(executive)
    assert "Executive overview" in client.get("/admin/reporting/dashboard/").content.decode()
    response = client.post(
        f"/admin/reporting/dashboard/{board.pk}/change/",
        {"slug": "exec", "title": "Renamed", "audience": "executive"},
    )
    assert response.status_code == 403
    board.refresh_from_db()
    assert board.title == "Executive overview"
