import pytest
from django.test import override_settings

from accounts.models import AccessEvent
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_successful_login_and_logout_are_recorded(client, compliance_officer):
    response = _login(client, "carla", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.post("/admin/logout/")
    kinds = list(AccessEvent.objects.order_by("at", "pk").values_list("kind", "username", "user"))
    assert kinds == [("login", "carla", compliance_officer.pk), ("logout", "carla", compliance_officer.pk)]


def test_failed_login_is_recorded_also_for_unknown_usernames(client):
    _login(client, "nobody-here", "whatever")
    event = AccessEvent.objects.get()
    assert (event.kind, event.username, event.user, event.ip_address) == (
        "login_failed",
        "nobody-here",
        None,
        "127.0.0.1",
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_account_locks_after_repeated_failures_even_for_the_right_password(client, compliance_officer):
    for _ in range(3):
        _login(client, "carla", "wrong-password")
    response = _login(client, "carla", PASSWORD)
    assert response.status_code == 429
    assert b"Account locked" in response.content
    assert "_auth_user_id" not in client.session
    assert AccessEvent.objects.filter(kind="locked_out", username="carla").exists()
    assert not AccessEvent.objects.filter(kind="login").exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_success_before_the_limit_resets_the_failure_count(client, compliance_officer):
    for _ in range(2):
        _login(client, "carla", "wrong-password")
    assert _login(client, "carla", PASSWORD).status_code == 302
    client.post("/admin/logout/")
    for _ in range(2):
        _login(client, "carla", "wrong-password")
    assert _login(client, "carla", PASSWORD).status_code == 302
