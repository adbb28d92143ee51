"""/embed/<token>/: only that organisation's numbers, refused cleanly otherwise, framed only by
the organisation's own origins."""

import re
from datetime import timedelta

import time_machine
from django.core import signing
from django.utils import timezone

from portal.embeds.services import embed_link_revoke
from portal.embeds.tokens import SALT, embed_token
from portal.models import PortalAccess
from portal.tests.embed_world import HELIX_ORIGINS, new_link
from warehouse.reads.models import AccessLog

NO_LONGER_VALID = "This link is no longer valid"


def cells(response, heading="Work orders completed") -> list[tuple[str, str]]:
    """(month, value) rows of the dashboard section under `heading`."""
    html = response.content.decode()
    match = re.search(rf"<h([23]) [^>]*>{heading}</h\1>(.*?)</section>", html, re.S)
    if match is None:
        return []
    return re.findall(r"<tr><td>([A-Z][a-z]{2} \d{4})</td><td>([^<]*)</td></tr>", match.group(2))


def assert_refused(response, status):
    assert response.status_code == status
    body = response.content.decode()
    assert NO_LONGER_VALID in body and "<table" not in body
    assert response["Cache-Control"] == "private, no-store"


def test_a_valid_link_shows_only_its_organisations_numbers(client, embed_world):
    helix = client.get(embed_world.url(embed_world.helix_link))
    orbit = client.get(embed_world.url(embed_world.orbit_link))
    assert helix.status_code == orbit.status_code == 200
    # tenant 1 completed 8, 11 and 9 orders; tenant 2 4 and 3; all tenants 12 in January
    assert cells(helix) == [("Jan 2026", "8"), ("Feb 2026", "11"), ("Apr 2026", "9")]
    assert cells(orbit) == [("Jan 2026", "4"), ("Feb 2026", "3")]
    assert "Helix Pharma" in helix.content.decode() and "Orbit Labs" not in helix.content.decode()


def test_every_read_is_logged_as_the_reader_for_the_customer_portal(client, embed_world):
    link = embed_world.helix_link
    client.get(embed_world.url(link))
    reads = set(AccessLog.objects.values_list("user", "purpose", "request_id"))
    assert reads == {(embed_world.helix_reader.pk, AccessLog.Purpose.CUSTOMER_PORTAL, f"embed:{link.pk}")}
    view = PortalAccess.objects.get()
    assert (view.user, view.kind, view.status_code) == (embed_world.helix_reader, "view", 200)
    assert (view.portal, view.organization) == (PortalAccess.Portal.CUSTOMER, embed_world.helix)
    assert view.path == f"/embed/link-{link.pk}/"  # never the token: it is a bearer secret
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_a_tampered_token_is_refused_without_data(client, embed_world):
    url = embed_world.url(embed_world.helix_link)
    token = url.split("/")[2]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert_refused(client.get(f"/embed/{flipped}/"), 404)
    assert_refused(client.get("/embed/not-a-token/"), 404)
    assert_refused(client.get(f"/embed/{token * 50}/"), 404)
    assert_refused(client.get("/embed/%E2%80%AE%00:x/"), 404)
    assert not AccessLog.objects.exists()


def test_a_token_naming_another_organisation_or_signed_elsewhere_is_refused(client, embed_world):
    helix_link = embed_world.helix_link
    moved = signing.Signer(salt=SALT).sign_object({"link": helix_link.pk, "org": embed_world.orbit.pk})
    own = {"link": helix_link.pk, "org": embed_world.helix.pk}
    other_salt = signing.Signer(salt="another.purpose").sign_object(own)
    other_key = signing.Signer(key="not-our-secret-key", salt=SALT).sign_object(own)
    unsigned_shape = signing.Signer(salt=SALT).sign_object([helix_link.pk, embed_world.helix.pk])
    assert client.get(embed_world.url(helix_link)).status_code == 200  # the genuine one works
    for token in (moved, other_salt, other_key, unsigned_shape):
        assert_refused(client.get(f"/embed/{token}/"), 404)
    assert PortalAccess.objects.filter(kind="denied").count() == 0  # nothing to log under


def test_an_expired_link_is_refused(client, embed_world):
    url = embed_world.url(embed_world.helix_link)
    with time_machine.travel(embed_world.helix_link.expires_at + timedelta(seconds=1), tick=False):
        assert_refused(client.get(url), 410)
    assert not AccessLog.objects.exists()
    denied = PortalAccess.objects.get()
    assert (denied.kind, denied.status_code, denied.user) == ("denied", 410, embed_world.helix_reader)
    assert denied.detail.endswith(": expired")


def test_a_revoked_link_is_refused_at_the_next_request(client, embed_world):
    url = embed_world.url(embed_world.helix_link)
    assert client.get(url).status_code == 200
    reads = AccessLog.objects.count()
    embed_link_revoke(link=embed_world.helix_link, actor=embed_world.officer)
    assert_refused(client.get(url), 410)
    assert AccessLog.objects.count() == reads


def test_a_reader_who_left_or_was_deactivated_or_lost_the_role_ends_the_link(client, embed_world):
    reader, url = embed_world.helix_reader, embed_world.url(embed_world.helix_link)
    reader.organization = embed_world.orbit
    reader.save()
    assert_refused(client.get(url), 410)
    reader.organization = embed_world.helix
    reader.is_active = False
    reader.save()
    assert_refused(client.get(url), 410)
    reader.is_active = True
    reader.save()
    reader.groups.clear()
    assert_refused(client.get(url), 410)
    assert not AccessLog.objects.exists()


def test_only_the_organisations_origins_may_frame_it(client, embed_world):
    helix = client.get(embed_world.url(embed_world.helix_link))
    orbit = client.get(embed_world.url(embed_world.orbit_link))
    assert f"frame-ancestors {' '.join(sorted(HELIX_ORIGINS))};" in helix["Content-Security-Policy"]
    assert "frame-ancestors 'none';" in orbit["Content-Security-Policy"]
    assert helix["Referrer-Policy"] == "no-referrer"
    assert helix["Cache-Control"] == "private, no-store"


def test_x_frame_options_is_dropped_on_embed_responses_only(client, embed_world):
    assert "X-Frame-Options" not in client.get(embed_world.url(embed_world.helix_link))
    assert "X-Frame-Options" not in client.get("/embed/not-a-token/")
    assert client.get("/portal/")["X-Frame-Options"] == "DENY"
    assert client.get("/healthz")["X-Frame-Options"] == "DENY"


def test_no_cookie_is_set(client, embed_world):
    response = client.get(embed_world.url(embed_world.helix_link))
    assert not response.cookies


def test_only_get_is_accepted(client, embed_world):
    url = embed_world.url(embed_world.helix_link)
    for method in (client.post, client.put, client.delete):
        assert method(url).status_code == 405
    assert not AccessLog.objects.exists() and not PortalAccess.objects.exists()


def test_a_bad_period_says_so_and_shows_nothing(client, embed_world):
    response = client.get(embed_world.url(embed_world.helix_link) + "?period=forever")
    assert response.status_code == 400
    assert "Unknown period &#x27;forever&#x27;" in response.content.decode() and not cells(response)
    assert not AccessLog.objects.exists()


def test_queries_do_not_grow_with_links_or_origins(client, embed_world, django_assert_max_num_queries):
    url = embed_world.url(embed_world.helix_link)
    client.get(url)  # warm caches (content types, the metric layer)
    with django_assert_max_num_queries(20) as first:  # 4 metric reads, each logged, and ours
        client.get(url)
    for n in range(20):
        embed_world.helix.embed_origins.create(origin=f"https://site{n}.helix.example")
        new_link(embed_world.officer, embed_world.helix_reader)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_status_is_computed_for_the_moment_asked(embed_world):
    from portal.models import EmbedLink

    embed_link_revoke(link=embed_world.orbit_link, actor=embed_world.officer)
    statuses = dict(EmbedLink.objects.with_status().values_list("pk", "status"))
    assert statuses == {embed_world.helix_link.pk: "active", embed_world.orbit_link.pk: "revoked"}
    later = timezone.now() + timedelta(days=31)
    assert EmbedLink.objects.with_status(at=later).get(pk=embed_world.helix_link.pk).status == "expired"


def test_the_period_is_picked_in_the_frame_and_kept_in_the_link(client, embed_world):
    url = embed_world.url(embed_world.helix_link)
    response = client.get(url, {"period": "year_to_date"})
    page = response.content.decode()
    assert response.status_code == 200 and '<option value="year_to_date" selected>' in page
    assert "Jan 2026 to Apr 2026" in page  # year to date on 15 May 2026
    assert cells(response) == [("Jan 2026", "8"), ("Feb 2026", "11"), ("Apr 2026", "9")]


def test_a_compliance_embed_shows_only_its_organisations_items(client, customers):
    helix, northwind = customers["helix"], customers["northwind"]
    link = new_link(customers["officer"], helix.viewer, dashboard="compliance")
    response = client.get(f"/embed/{embed_token(link)}/")
    page = response.content.decode()
    assert response.status_code == 200 and "Compliance" in page
    assert "HELIX-BACKUP" in page or "Helix Pharma backup restore test" in page
    assert "Helix Pharma restore not tested" in page
    assert "Northwind" not in page and "NORTHWIND" not in page
    assert northwind.finding.title not in page
