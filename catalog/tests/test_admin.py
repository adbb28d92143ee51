import pytest

from catalog.models import System

pytestmark = pytest.mark.django_db


def test_data_steward_registers_a_system_in_the_admin(client, data_steward):
    client.force_login(data_steward)
    response = client.post(
        "/admin/catalog/system/add/",
        {"name": "Work-order PostgreSQL", "kind": "operational", "storage_region": "us-central1"},
    )
    assert response.status_code == 302
    assert System.objects.get().kind == "operational"


def test_executive_cannot_add_a_system_and_nothing_is_saved(client, executive):
    client.force_login(executive)
    response = client.post(
        "/admin/catalog/system/add/", {"name": "x", "kind": "lake", "storage_region": "eu-west-1"}
    )
    assert response.status_code == 403
    assert not System.objects.exists()


def test_system_list_searches_and_filters(client, data_steward):
    System.objects.create(name="Lake", kind="lake", storage_region="eu-west-1")
    System.objects.create(name="Warehouse", kind="warehouse", storage_region="us-central1")
    client.force_login(data_steward)
    shown = client.get("/admin/catalog/system/?kind__exact=lake").context["cl"].result_list
    assert [s.name for s in shown] == ["Lake"]
    shown = client.get("/admin/catalog/system/?q=ware").context["cl"].result_list
    assert [s.name for s in shown] == ["Warehouse"]
