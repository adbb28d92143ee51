"""Sliding session expiry, written at most once a minute (accounts/sessions.py)."""

from datetime import timedelta

import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_requests_within_a_minute_do_not_rewrite_the_session(client, compliance_officer, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    client.force_login(compliance_officer)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert client.get("/admin/").status_code == 200
        first = _expiry(client)
        clock.shift(timedelta(seconds=50))
        assert client.get("/admin/").status_code == 200
        assert _expiry(client) == first
        clock.shift(timedelta(seconds=20))
        assert client.get("/admin/").status_code == 200
        assert _expiry(client) == first + timedelta(seconds=70)


def test_active_staff_session_slides_and_idle_one_ends(client, compliance_officer, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    client.force_login(compliance_officer)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):  # 75 minutes in all, never 30 idle
            clock.shift(timedelta(minutes=25))
            assert client.get("/admin/").status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_visitor_without_a_session_gets_none(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and not Session.objects.exists()
