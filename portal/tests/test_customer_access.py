"""Who gets into the customer portal: sign-in, the persona matrix, 405s, the log, the admin."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_otp.oath import totp as totp_now
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessEvent
from accounts.tests.factories import PASSWORD
from portal.models import CustomerAccess, PortalAccess
from portal.tests.customer_world import customer_login

pytestmark = pytest.mark.django_db

PAGES = [
    "/customer/",
    "/customer/compliance/",
    "/customer/reports/",
    "/customer/reports/{report}/",
    "/customer/dashboards/work-orders.csv",
    "/customer/reports/{report}.csv",
]


def urls(world):
    return [url.format(report=world["helix"].report.pk) for url in PAGES]


def code(user, offset=0):
    device = TOTPDevice.objects.get(user=user)
    return f"{(totp_now(device.bin_key, step=device.step, t0=device.t0) + offset) % 1_000_000:06d}"


def sign_in(client, user, token, next_url=""):
    data = {"username": user.username, "password": PASSWORD, "token": token, "next": next_url}
    return client.post("/customer/sign-in/", data)


def test_password_and_totp_sign_in_opens_the_next_page(client, customers):
    viewer = customers["helix"].viewer
    response = sign_in(client, viewer, code(viewer), next_url="/customer/reports/")
    assert response.status_code == 302 and response["Location"] == "/customer/reports/"
    assert client.get("/customer/reports/").status_code == 200


def test_a_wrong_code_is_refused_without_saying_which_factor(client, customers):
    viewer = customers["helix"].viewer
    response = sign_in(client, viewer, code(viewer, offset=1))
    assert "_auth_user_id" not in client.session
    assert b"username, password or authenticator code is not right" in response.content
    assert AccessEvent.objects.filter(kind="login_failed", username=viewer.username).count() == 1


def test_an_auditor_cannot_use_the_customer_sign_in(client, customers, auditor):
    TOTPDevice.objects.create(user=auditor, name="portal", confirmed=True)
    sign_in(client, auditor, code(auditor))
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_lock_the_account(client, customers):
    viewer = customers["helix"].viewer
    for _ in range(3):
        sign_in(client, viewer, code(viewer, offset=1))
    response = sign_in(client, viewer, code(viewer))
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_next_outside_the_customer_portal_is_ignored(client, customers):
    viewer = customers["helix"].viewer
    response = sign_in(client, viewer, code(viewer), next_url="/admin/")
    assert response["Location"] == "/customer/"


def test_anonymous_visitors_are_sent_to_sign_in(client, customers):
    for url in urls(customers):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/customer/sign-in/?next=")


def test_a_password_only_session_is_sent_to_sign_in(client, customers):
    client.force_login(customers["helix"].viewer)  # no second factor verified
    for url in urls(customers):
        assert client.get(url)["Location"].startswith("/customer/sign-in/"), url


@override_settings(PORTAL_IDLE_SECONDS=60)
def test_an_idle_session_is_ended(client, customers):
    customer_login(client, customers["helix"].viewer)
    session = client.session
    session["portal_seen"] -= 120
    session.save()
    assert client.get("/customer/")["Location"].startswith("/customer/sign-in/")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("persona", ["auditor", "compliance_officer", "executive", "outsider"])
def test_everyone_but_customer_viewers_is_refused_and_logged(client, customers, persona, request):
    user = request.getfixturevalue(persona)
    customer_login(client, user)  # even with a verified second factor
    for url in urls(customers):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Helix" not in response.content
    refused = PortalAccess.objects.filter(user=user, portal=PortalAccess.Portal.CUSTOMER)
    assert refused.count() == len(PAGES) and set(refused.values_list("kind", flat=True)) == {"denied"}


def test_a_customer_viewer_without_an_organisation_is_refused(client, customers):
    viewer = customers["helix"].viewer
    viewer.organization = None
    viewer.save()
    customer_login(client, viewer)
    assert client.get("/customer/").status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_methods_answer_405_and_change_nothing(client, customers, method):
    viewer = customers["helix"].viewer
    customer_login(client, viewer)
    for url in urls(customers):
        assert getattr(client, method)(url).status_code == 405, url
    rows = CustomerAccess.objects.filter(user=viewer)
    assert rows.count() == len(PAGES) and set(rows.values_list("status_code", flat=True)) == {405}


def test_every_view_and_download_is_logged_with_who_where_and_how(client, customers):
    viewer = customers["helix"].viewer
    customer_login(client, viewer)
    for url in urls(customers):
        client.get(url, HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="203.0.113.9")
    rows = list(CustomerAccess.objects.filter(user=viewer).order_by("pk"))
    assert [row.path for row in rows] == urls(customers)
    assert [row.kind for row in rows] == ["view"] * 4 + ["download"] * 2
    assert {(r.organization, r.status_code, r.ip_address, r.user_agent) for r in rows} == {
        (customers["helix"].organization, 200, "203.0.113.9", "Firefox/140")
    }
    assert not PortalAccess.objects.filter(portal=PortalAccess.Portal.AUDITOR).exists()


def test_the_totp_command_issues_a_customer_viewers_authenticator(customers):
    viewer = customers["helix"].viewer
    old = TOTPDevice.objects.get(user=viewer)
    out = StringIO()
    call_command("portal_auditor_totp", viewer.username, stdout=out)
    assert out.getvalue().startswith("otpauth://totp/")
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=viewer, confirmed=True).count() == 1


def test_compliance_officers_read_the_customer_access_log_with_filters(client, customers, auditor):
    helix = customers["helix"]
    customer_login(client, helix.viewer)
    client.get("/customer/")
    PortalAccess.objects.create(
        user=auditor, kind="view", method="GET", path="/portal/e/77/", status_code=200
    )
    client.force_login(customers["officer"])
    page = client.get("/admin/portal/customeraccess/").content.decode()
    assert "Helix Pharma" in page and "/customer/" in page and "/portal/e/77/" not in page
    assert "Test Helix-Viewer" in page  # the person filter lists names
    filtered = client.get(f"/admin/portal/customeraccess/?organization={helix.organization.pk}&kind=view")
    assert filtered.status_code == 200 and "1 customer access" in filtered.content.decode()
    auditor_log = client.get("/admin/portal/portalaccess/").content.decode()
    assert "/portal/e/77/" in auditor_log and "/customer/" not in auditor_log


def test_others_cannot_read_the_customer_access_log(client, customers, data_steward):
    client.force_login(data_steward)
    assert client.get("/admin/portal/customeraccess/").status_code == 403
