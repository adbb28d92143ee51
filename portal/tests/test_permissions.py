"""The permission matrix: each persona against each portal page and object of engagement A."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import AuditEntry
from portal.models import EvidenceRequest, PortalAccess
from portal.services import engagement_auditor_revoke
from portal.tests.conftest import portal_login, totp

pytestmark = pytest.mark.django_db


def pages(side):
    e, s, ev = side.engagement.pk, side.snapshot.pk, side.evidence[0].pk
    return [
        f"/portal/e/{e}/",
        f"/portal/e/{e}/framework/",
        f"/portal/e/{e}/snapshots/",
        f"/portal/e/{e}/snapshots/{s}/",
        f"/portal/e/{e}/snapshots/{s}/package/",
        f"/portal/e/{e}/evidence/",
        f"/portal/e/{e}/evidence/{ev}/file/",
        f"/portal/e/{e}/requests/",
        f"/portal/e/{e}/requests/{side.request.pk}/",
        f"/portal/e/{e}/terms/",
    ]


@pytest.fixture(autouse=True)
def _a_request(world):
    a = world["a"]
    a.request = EvidenceRequest.objects.create(
        engagement=a.engagement, control=a.control, description="Q3 leaver list",
        requested_by=world["users"]["live"], assignee=world["officer"],
    )  # fmt: skip


def _persona(world, name):
    if name == "officer":
        return world["officer"]
    if name == "outsider":
        from accounts.tests.factories import UserFactory

        user = UserFactory(username="oscar")
        totp(user)
        return user
    return world["users"][name]


def test_live_auditor_opens_every_page_of_their_engagement(client, world):
    portal_login(client, world["users"]["live"])
    for url in pages(world["a"]):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["expired", "revoked", "other", "officer", "outsider"])
def test_everyone_else_gets_404_and_sees_nothing(client, world, persona):
    user = _persona(world, persona)
    portal_login(client, user)
    trail_before = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
    for url in pages(world["a"]):
        response = client.get(url)
        assert response.status_code == 404, (persona, url)
        body = response.content.decode(errors="replace")
        assert "soc2 review" not in body and world["a"].engagement.name not in body
        assert "Q3 leaver list" not in body
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == trail_before
    assert PortalAccess.objects.filter(user=user, kind=PortalAccess.Kind.DENIED).count() == len(
        pages(world["a"])
    )
    assert not PortalAccess.objects.filter(user=user).exclude(kind=PortalAccess.Kind.DENIED).exists()


def test_ids_guessed_from_another_engagement_are_404(client, world):
    a, b = world["a"], world["b"]
    portal_login(client, world["users"]["live"])
    e = a.engagement.pk
    for url in [
        f"/portal/e/{e}/snapshots/{b.snapshot.pk}/",
        f"/portal/e/{e}/snapshots/{b.snapshot.pk}/package/",
        f"/portal/e/{e}/evidence/{b.evidence[0].pk}/file/",
        f"/portal/e/{b.engagement.pk}/",
        f"/portal/e/{b.engagement.pk}/evidence/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"hipaa review" not in response.content
    listing = client.get(f"/portal/e/{e}/evidence/").content.decode()
    assert "soc2 review 0" in listing and "hipaa review" not in listing


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in pages(world["a"]):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/portal/?next=")


def test_password_only_session_without_second_factor_is_sent_to_sign_in(client, world):
    client.force_login(world["users"]["live"])
    response = client.get(f"/portal/e/{world['a'].engagement.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/portal/")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_methods_on_read_only_pages_answer_405_and_change_nothing(client, world, method):
    a = world["a"]
    portal_login(client, world["users"]["live"])
    writable = ("/requests/", f"/requests/{a.request.pk}/", "/terms/")
    read_only = [u for u in pages(a) if not u.endswith(writable)]
    before = (EvidenceRequest.objects.count(), a.grants["live"].objects_granted.count())
    for url in read_only:
        assert getattr(client, method)(url).status_code == 405, url
    assert (EvidenceRequest.objects.count(), a.grants["live"].objects_granted.count()) == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_request_page_accepts_only_get_and_post(client, world, method):
    portal_login(client, world["users"]["live"])
    response = getattr(client, method)(f"/portal/e/{world['a'].engagement.pk}/requests/")
    assert response.status_code == 405 and EvidenceRequest.objects.count() == 1


def test_denied_request_creation_changes_nothing(client, world):
    a = world["a"]
    portal_login(client, world["users"]["expired"])
    response = client.post(
        f"/portal/e/{a.engagement.pk}/requests/", {"control": a.control.pk, "description": "x"}
    )
    assert response.status_code == 404 and EvidenceRequest.objects.count() == 1
    decided = client.post(f"/portal/e/{a.engagement.pk}/requests/{a.request.pk}/", {"decision": "accept"})
    a.request.refresh_from_db()
    assert decided.status_code == 404 and a.request.status == "open"


def test_grant_passing_valid_until_mid_session_is_refused_at_the_next_request(client, world):
    a = world["a"]
    grant = a.grants["live"]
    url = f"/portal/e/{a.engagement.pk}/evidence/"
    with time_machine.travel(grant.valid_until - timedelta(minutes=2), tick=False) as clock:
        portal_login(client, world["users"]["live"])
        assert client.get(url).status_code == 200
        clock.shift(timedelta(seconds=90))
        assert client.get(url).status_code == 200
        clock.shift(timedelta(seconds=31))  # one second past valid_until, same session
        assert client.get(url).status_code == 404
        assert client.session.get("_auth_user_id")  # still signed in: the grant, not the session, ended


def test_revocation_takes_effect_on_the_next_request(client, world):
    a = world["a"]
    portal_login(client, world["users"]["live"])
    url = f"/portal/e/{a.engagement.pk}/"
    assert client.get(url).status_code == 200
    engagement_auditor_revoke(grant=a.grants["live"], actor=world["officer"])
    assert client.get(url).status_code == 404


def test_idle_session_is_signed_out(client, world, settings):
    settings.PORTAL_IDLE_SECONDS = 60
    a = world["a"]
    portal_login(client, world["users"]["live"])
    url = f"/portal/e/{a.engagement.pk}/"
    assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        response = client.get(url)
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_idle_timeout_counts_from_the_last_recorded_request(client, world, settings):
    """Activity is recorded at most once a minute: 15 idle minutes end 14 to 15 min after the
    last request, never later."""
    settings.PORTAL_IDLE_SECONDS, settings.SESSION_REFRESH_SECONDS = 15 * 60, 60
    portal_login(client, world["users"]["live"])
    url = f"/portal/e/{world['a'].engagement.pk}/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.get(url).status_code == 200
        clock.shift(timedelta(seconds=50))
        assert client.get(url).status_code == 200  # within the minute: not recorded
        clock.shift(timedelta(minutes=14, seconds=20))
        response = client.get(url)
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_an_auditor_clicking_every_50_seconds_stays_signed_in(client, world, settings):
    settings.PORTAL_IDLE_SECONDS, settings.SESSION_REFRESH_SECONDS = 15 * 60, 60
    portal_login(client, world["users"]["live"])
    url = f"/portal/e/{world['a'].engagement.pk}/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(24):  # 20 minutes
            clock.shift(timedelta(seconds=50))
            assert client.get(url).status_code == 200


def test_every_page_view_is_logged_with_engagement_and_status(client, world):
    a = world["a"]
    user = world["users"]["live"]
    portal_login(client, user)
    client.get(f"/portal/e/{a.engagement.pk}/framework/")
    row = PortalAccess.objects.get(user=user)
    assert (row.engagement, row.kind, row.method, row.status_code) == (a.engagement, "view", "GET", 200)
    assert row.path == f"/portal/e/{a.engagement.pk}/framework/"


def test_auditors_have_no_admin_access(client, world):
    client.force_login(world["users"]["live"])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/governance/evidence/").status_code == 302
