"""Which persona reaches the admin pages of which app: the intended matrix, spelled out."""

import pytest

pytestmark = pytest.mark.django_db

APPS = ["accounts", "auditlog", "catalog", "governance", "warehouse", "submissions", "reporting"]

REACHES = {
    # auditlog's own page is gone: its entries are the hash-chained trail under accounts (issue 7).
    # reporting: saved reports and schedules for those who build them (issue 18); the dashboards
    # are admin pages per role (reporting/tests).
    "compliance_officer": {
        "accounts",
        "catalog",
        "governance",
        "warehouse",
        "submissions",
        "reporting",
    },
    # governance: every staff role sees its own training records (issue 7).
    "data_steward": {"accounts", "catalog", "governance", "warehouse", "reporting"},
    "submission_manager": {"accounts", "governance", "submissions"},
    "executive": {"accounts", "governance"},  # readiness scores
}
NO_ADMIN = ["auditor", "customer_viewer", "outsider"]


@pytest.mark.parametrize("persona", sorted(REACHES))
@pytest.mark.parametrize("app_label", APPS)
def test_staff_persona_reaches_exactly_its_apps(request, client, persona, app_label):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/admin/{app_label}/")
    assert response.status_code == (200 if app_label in REACHES[persona] else 404)


@pytest.mark.parametrize("persona", NO_ADMIN)
def test_portal_personas_are_sent_to_login_from_every_admin_page(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    for path in ["/admin/", *(f"/admin/{app}/" for app in APPS)]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_admin_index_is_branded_and_lists_the_work_groups(client, compliance_officer):
    client.force_login(compliance_officer)
    page = client.get("/admin/").content.decode()
    assert "| Custodian</title>" in page
    assert '<a href="/admin/">Custodian</a>' in page
    groups = [
        "Compliance program",
        "Audits and CAPA",
        "Regulatory submissions",
        "Data catalog",
        "Warehouse and reporting",
        "Access and accountability",
    ]
    for name in groups:
        assert name in page


def test_data_steward_can_add_a_system_but_executive_cannot(client, data_steward, executive):
    client.force_login(data_steward)
    assert client.get("/admin/catalog/system/add/").status_code == 200
    client.force_login(executive)
    assert client.get("/admin/catalog/system/add/").status_code == 403
