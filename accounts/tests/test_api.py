import pytest

from accounts.services import api_token_create
from accounts.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(user=user, name="t")[1]}


def test_reading_tenants_needs_the_view_permission(client, executive, outsider):
    OrganizationFactory(slug="a")
    assert client.get("/api/accounts/organizations/", **_auth(executive)).status_code == 200
    assert client.get("/api/accounts/organizations/", **_auth(outsider)).status_code == 403
    assert client.get("/api/accounts/organizations/").status_code == 401


def test_updating_needs_the_change_permission_and_changes_nothing_without_it(client, executive):
    org = OrganizationFactory(slug="a")
    response = client.patch(
        f"/api/accounts/organizations/{org.pk}/",
        {"tier": "enterprise"},
        content_type="application/json",
        **_auth(executive),
    )
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.tier == "professional"


def test_tenants_filter_search_and_paginate(client, executive):
    OrganizationFactory(slug="eu-one", name="Euro One", region="eu")
    OrganizationFactory(slug="na-one", name="North One", region="na")
    body = client.get("/api/accounts/organizations/?region=eu", **_auth(executive)).json()
    assert [o["slug"] for o in body["results"]] == ["eu-one"]
    body = client.get("/api/accounts/organizations/?search=north", **_auth(executive)).json()
    assert [o["slug"] for o in body["results"]] == ["na-one"]
    assert client.get("/api/accounts/organizations/?region=mars", **_auth(executive)).status_code == 400


def test_unknown_tenant_id_is_a_clean_404(client, executive):
    response = client.get("/api/accounts/organizations/999999/", **_auth(executive))
    assert response.status_code == 404


def test_tenant_list_queries_do_not_grow_with_rows(client, executive, django_assert_max_num_queries):
    auth = _auth(executive)
    OrganizationFactory.create_batch(2)
    with django_assert_max_num_queries(20) as few:
        client.get("/api/accounts/organizations/", **auth)
    OrganizationFactory.create_batch(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/accounts/organizations/", **auth).status_code == 200
