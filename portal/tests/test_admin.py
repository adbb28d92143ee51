"""Compliance officers see everything auditors did, per engagement and per auditor, as CSV too."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessGrant
from portal.models import EvidenceRequest, PortalAccess
from portal.tests.conftest import accepted_evidence, auditor_user, portal_login

pytestmark = pytest.mark.django_db


def _browse(client, world, name, side):
    portal_login(client, world["users"][name])
    client.get(f"/portal/e/{side.engagement.pk}/")
    client.get(f"/portal/e/{side.engagement.pk}/evidence/")
    client.logout()


def test_access_log_filters_by_engagement_and_auditor_and_exports_csv(client, world):
    a, b = world["a"], world["b"]
    _browse(client, world, "live", a)
    _browse(client, world, "other", b)
    client.force_login(world["officer"])
    url = "/admin/portal/portalaccess/"
    page = client.get(url, {"engagement__id__exact": a.engagement.pk}).content.decode()
    assert f"/portal/e/{a.engagement.pk}/evidence/" in page and f"/portal/e/{b.engagement.pk}/" not in page
    page = client.get(url, {"auditor": world["users"]["other"].pk}).content.decode()
    assert world["users"]["other"].get_full_name() in page and f"/portal/e/{a.engagement.pk}/" not in page
    ids = PortalAccess.objects.filter(engagement=a.engagement).values_list("pk", flat=True)
    response = client.post(url, {"action": "export_csv", "_selected_action": list(ids)})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["at", "engagement", "user", "kind"] and len(rows) == 1 + len(ids)
    assert {r[2] for r in rows[1:]} == {"avery"}


def test_access_log_is_not_for_other_staff(client, world, data_steward):
    client.force_login(data_steward)
    assert client.get("/admin/portal/portalaccess/").status_code == 403


def test_access_log_changelist_query_count_stays_flat(client, world, django_assert_max_num_queries):
    client.force_login(world["officer"])
    user = world["users"]["live"]
    for n in range(60):
        PortalAccess.objects.create(user=user, engagement=world["a"].engagement, kind="view", method="GET",
                                    path=f"/p/{n}", status_code=200)  # fmt: skip
    with django_assert_max_num_queries(15):  # one is the navigation's roles (its dashboards)
        assert client.get("/admin/portal/portalaccess/").status_code == 200


def test_officer_names_an_auditor_and_revokes_them_from_the_admin(client, world):
    a, officer = world["a"], world["officer"]
    newcomer = auditor_user("nadia")
    client.force_login(officer)
    url = f"/admin/portal/engagement/{a.engagement.pk}/access/"
    now = timezone.now()
    client.post(url, {"add_auditor": "1", "user": newcomer.pk, "valid_from": f"{now:%Y-%m-%d %H:%M}",
                      "valid_until": f"{now + timedelta(days=3):%Y-%m-%d %H:%M}"})  # fmt: skip
    grant = AccessGrant.objects.get(user=newcomer)
    assert newcomer.has_perm("governance.view_snapshot", a.snapshot)
    client.post(url, {"revoke": grant.pk})
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # fresh permission cache
    assert not newcomer.has_perm("governance.view_snapshot", a.snapshot)


def test_control_owner_answers_a_request_in_the_admin(client, world):
    a, officer = world["a"], world["officer"]
    request = EvidenceRequest.objects.create(
        engagement=a.engagement, control=a.control, description="more", requested_by=world["users"]["live"],
        assignee=officer,
    )  # fmt: skip
    new = accepted_evidence(a.control, officer, "Q4", b"x\n")
    client.force_login(officer)
    response = client.post(
        f"/admin/portal/evidencerequest/{request.pk}/answer/", {"evidence": new.pk, "note": "here"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.answer) == ("answered", new)


def test_engagement_changelist_query_count_stays_flat(client, world, django_assert_max_num_queries):
    client.force_login(world["officer"])
    with django_assert_max_num_queries(13):  # one is the navigation's roles (its dashboards)
        assert client.get("/admin/portal/engagement/").status_code == 200


def test_a_control_owner_without_portal_permissions_sees_and_answers_only_their_tasks(
    client, world, data_steward
):
    a, officer = world["a"], world["officer"]
    a.control.owner = data_steward
    a.control.save()
    common = {"engagement": a.engagement, "control": a.control, "requested_by": world["users"]["live"]}
    mine = EvidenceRequest.objects.create(description="mine", assignee=data_steward, **common)
    theirs = EvidenceRequest.objects.create(description="theirs", assignee=officer, **common)
    new = accepted_evidence(a.control, officer, "Q4", b"x\n")
    client.force_login(data_steward)
    page = client.get("/admin/portal/evidencerequest/").content.decode()
    assert f"/admin/portal/evidencerequest/{mine.pk}/" in page
    assert f"/admin/portal/evidencerequest/{theirs.pk}/" not in page
    assert (
        client.post(f"/admin/portal/evidencerequest/{theirs.pk}/answer/", {"evidence": new.pk}).status_code
        == 404
    )
    response = client.post(f"/admin/portal/evidencerequest/{mine.pk}/answer/", {"evidence": new.pk})
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("answered", "open")


def test_officer_lists_grants_with_their_status(client, world, django_assert_max_num_queries):
    now = timezone.now()
    for n in range(10):  # more rows must not mean more queries
        AccessGrant.objects.create(
            user=auditor_user(f"extra-{n}"), scope=world["b"].engagement, valid_from=now,
            valid_until=now + timedelta(days=1), granted_by=world["officer"],
        )  # fmt: skip
    client.force_login(world["officer"])
    with django_assert_max_num_queries(14):  # one is the navigation's roles (its dashboards)
        page = client.get("/admin/accounts/accessgrant/").content.decode()
    for user in world["users"].values():  # people by name
        assert user.get_full_name() in page
    assert "expired" in page and "revoked" in page and "live" in page
