"""After signing in at the admin, each persona lands on its dashboard; an explicit ?next= wins."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    """As a browser does: the login form's hidden `next`, posted back with the credentials."""
    form_next = client.get("/admin/login/").context["next"]
    response = client.post(
        "/admin/login/", {"username": user.username, "password": PASSWORD, "next": form_next}
    )
    assert response.status_code == 302 and response.url == "/admin/home/"
    return client.get(response.url)


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("executive", "/admin/dashboards/executive/"),
        ("compliance_officer", "/admin/dashboards/compliance/"),
        ("data_steward", "/admin/dashboards/data-health/"),
        ("submission_manager", "/admin/submissions/correspondence/dashboard/"),
    ],
)
def test_each_persona_lands_on_its_dashboard(client, request, persona, landing):
    response = _sign_in(client, request.getfixturevalue(persona))
    assert response.status_code == 302 and response.url == landing


def test_several_roles_land_by_the_fixed_order(client, executive):
    executive.groups.add(Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    assert _sign_in(client, executive).url == "/admin/dashboards/compliance/"


def test_a_superuser_without_a_role_keeps_the_admin_index(client, outsider):
    outsider.is_staff = outsider.is_superuser = True
    outsider.save()
    assert _sign_in(client, outsider).url == "/admin/"


def test_a_sign_in_without_any_next_lands_too(client, data_steward):
    response = client.post("/admin/login/", {"username": data_steward.username, "password": PASSWORD})
    assert client.get(response.url).url == "/admin/dashboards/data-health/"


def test_an_explicit_next_wins(client, data_steward):
    data = {"username": data_steward.username, "password": PASSWORD, "next": "/admin/catalog/dataset/"}
    response = client.post("/admin/login/?next=/admin/catalog/dataset/", data)
    assert response.status_code == 302 and response.url == "/admin/catalog/dataset/"


def test_the_admin_index_stays_reachable_and_links_the_dashboards(client, compliance_officer):
    client.force_login(compliance_officer)
    page = client.get("/admin/").content.decode()
    assert 'href="/admin/dashboards/compliance/"' in page and 'href="/admin/dashboards/data-health/"' in page
    assert 'href="/admin/dashboards/executive/"' not in page


def test_role_home_links_its_dashboard(client, data_steward):
    client.force_login(data_steward)
    assert 'href="/admin/dashboards/data-health/"' in client.get("/admin/home/data/").content.decode()
