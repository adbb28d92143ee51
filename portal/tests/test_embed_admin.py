"""Embed links and origins in the admin: compliance officers create, copy and revoke links and
edit origins; lists show names and labels; nobody else gets in."""

import re
from datetime import timedelta

from django.utils import timezone

from portal.models import EmbedLink, EmbedOrigin
from portal.tests.embed_world import new_link

LIST = "/admin/portal/embedlink/"
ADD = "/admin/portal/embedlink/add/"
ORIGINS = "/admin/portal/embedorigin/"


def form(world, **overrides):
    expires = timezone.localtime(timezone.now() + timedelta(days=14))
    data = {
        "organization": world.helix.pk, "dashboard": "compliance", "reader": world.helix_reader.pk,
        "expires_at_0": expires.strftime("%Y-%m-%d"), "expires_at_1": expires.strftime("%H:%M:%S"),
        "label": "Quality intranet",
    }  # fmt: skip
    return data | overrides


def test_an_officer_creates_a_link_and_gets_a_working_url_to_copy(client, embed_world):
    client.force_login(embed_world.officer)
    response = client.post(ADD, form(embed_world), follow=True)
    link = EmbedLink.objects.get(label="Quality intranet")
    assert (link.dashboard, link.reader, link.created_by) == (
        "compliance",
        embed_world.helix_reader,
        embed_world.officer,
    )
    page = response.content.decode()
    url = re.search(
        r'id="embed-url" type="text" readonly value="http://testserver(/embed/[^"]+)"', page
    ).group(1)
    assert "&lt;iframe src=&quot;http://testserver/embed/" in page
    client.logout()
    assert client.get(url).status_code == 200


def test_a_reader_of_another_organisation_is_refused_beside_the_field(client, embed_world):
    client.force_login(embed_world.officer)
    before = EmbedLink.objects.count()
    response = client.post(ADD, form(embed_world, reader=embed_world.orbit_reader.pk))
    assert response.status_code == 200
    assert "does not belong to Helix Pharma" in response.content.decode()
    response = client.post(ADD, form(embed_world, expires_at_0="2030-01-01"))
    assert "at most 90 days" in response.content.decode()
    assert EmbedLink.objects.count() == before


def test_the_list_shows_dashboards_people_and_status_by_label(client, embed_world):
    from portal.embeds.services import embed_link_revoke

    embed_link_revoke(link=embed_world.orbit_link, actor=embed_world.officer)
    client.force_login(embed_world.officer)
    page = client.get(LIST).content.decode()
    assert "Work-order performance" in page and ">work-orders<" not in page
    assert "Test Chris" in page and ">chris<" not in page
    assert ">Active<" in page and ">Revoked<" in page
    revoked = client.get(LIST, {"status": "revoked"}).content.decode()
    assert "Test Olga" in revoked and "Test Chris" not in revoked


def test_the_revoke_action_ends_links_at_once(client, embed_world):
    client.force_login(embed_world.officer)
    link = embed_world.helix_link
    url = f"/embed/{__import__('portal.embeds.tokens', fromlist=['x']).embed_token(link)}/"
    response = client.post(LIST, {"action": "revoke", "_selected_action": [link.pk]}, follow=True)
    assert "1 link(s) revoked" in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_by == embed_world.officer
    assert client.get(url).status_code == 410


def test_links_cannot_be_edited_or_deleted_in_place(client, embed_world):
    client.force_login(embed_world.officer)
    change = f"{LIST}{embed_world.helix_link.pk}/change/"
    client.post(change, {"label": "moved", "reader": embed_world.orbit_reader.pk})
    client.post(f"{LIST}{embed_world.helix_link.pk}/delete/", {"post": "yes"})
    link = EmbedLink.objects.get(pk=embed_world.helix_link.pk)
    assert (link.reader, link.label) == (embed_world.helix_reader, "Test Chris intranet")


def test_officers_edit_origins_and_the_next_embed_uses_them(client, embed_world):
    client.force_login(embed_world.officer)
    bad = client.post(
        f"{ORIGINS}add/", {"organization": embed_world.orbit.pk, "origin": "http://orbit.example"}
    )
    assert "Enter an origin as https://host" in bad.content.decode()
    assert not EmbedOrigin.objects.filter(organization=embed_world.orbit).exists()
    client.post(
        f"{ORIGINS}add/", {"organization": embed_world.orbit.pk, "origin": "https://portal.orbit.example"}
    )
    client.logout()
    from portal.embeds.tokens import embed_token

    response = client.get(f"/embed/{embed_token(embed_world.orbit_link)}/")
    assert "frame-ancestors https://portal.orbit.example;" in response["Content-Security-Policy"]


def test_other_staff_cannot_see_links_or_origins(client, embed_world, data_steward, executive):
    for person in (data_steward, executive):
        client.force_login(person)
        for url in (LIST, ADD, ORIGINS, f"{LIST}{embed_world.helix_link.pk}/change/"):
            assert client.get(url).status_code == 403, (person, url)
        assert (
            client.post(
                LIST, {"action": "revoke", "_selected_action": [embed_world.helix_link.pk]}
            ).status_code
            == 403
        )
    assert EmbedLink.objects.get(pk=embed_world.helix_link.pk).revoked_at is None


def test_the_list_queries_stay_flat_as_links_grow(client, embed_world, django_assert_max_num_queries):
    client.force_login(embed_world.officer)
    client.get(LIST)
    with django_assert_max_num_queries(40) as few:
        client.get(LIST)
    for _ in range(15):
        new_link(embed_world.officer, embed_world.orbit_reader)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


def test_the_links_page_revokes_it_with_one_button(client, embed_world, data_steward):
    link = embed_world.helix_link
    page = f"{LIST}{link.pk}/change/"
    client.force_login(data_steward)
    assert client.post(f"{LIST}{link.pk}/revoke/").status_code == 403
    client.force_login(embed_world.officer)
    assert "Revoke this link" in client.get(page).content.decode()
    assert client.get(f"{LIST}{link.pk}/revoke/").status_code == 405
    response = client.post(f"{LIST}{link.pk}/revoke/", follow=True)
    assert "revoked; it stops working at once" in response.content.decode()
    assert "Revoke this link" not in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_by == embed_world.officer
