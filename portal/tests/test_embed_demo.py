"""The demo has one active embed link for the demo customer, and prints its URL."""

import pytest

from accounts.demo import seed_accounts
from portal.embeds.demo import ORIGIN, seed_embeds
from portal.embeds.selectors import embed_link_for_token, embed_link_refusal
from portal.models import EmbedLink

pytestmark = pytest.mark.django_db


def test_the_demo_prints_a_working_link_and_seeding_again_reuses_it():
    seed_accounts()
    first = seed_embeds(base_url="http://demo.test")
    assert seed_embeds(base_url="http://demo.test") == first
    url = first.split()[-1]
    assert url.startswith("http://demo.test/embed/") and ORIGIN in first
    link = embed_link_for_token(url.split("/")[-2])
    assert EmbedLink.objects.get() == link
    assert (link.organization.slug, link.reader.username, embed_link_refusal(link)) == (
        "helix-pharma",
        "customer",
        "",
    )
