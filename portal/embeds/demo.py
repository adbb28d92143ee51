"""Demo data for embedding (`manage.py seed_demo`): one active embed link of Helix Pharma's
work-order dashboard, read as the demo customer viewer, and one allowed origin.

Safe to run again: an active demo link is reused, an expired or revoked one is replaced.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from portal.embeds.services import embed_link_create
from portal.embeds.tokens import embed_token
from portal.models import EmbedLink, EmbedOrigin

LABEL = "Helix Pharma quality intranet (demo)"
ORIGIN = "https://intranet.helix-pharma.example"
DAYS = 60


def seed_embeds(base_url: str = "http://127.0.0.1:8000") -> str:
    """Returns the line seed_demo prints: the demo link's URL."""
    users = get_user_model().objects
    helix = Organization.objects.get(slug="helix-pharma")
    EmbedOrigin.objects.get_or_create(organization=helix, origin=ORIGIN)
    link = EmbedLink.objects.active().filter(organization=helix, label=LABEL).first()
    if link is None:
        link = embed_link_create(
            organization=helix,
            dashboard="work-orders",
            reader=users.get(username="customer"),
            expires_at=timezone.now() + timedelta(days=DAYS),
            actor=users.get(username="compliance"),
            label=LABEL,
        )
    url = base_url + reverse("embed:dashboard", args=[embed_token(link)])
    until = f"{link.expires_at:%Y-%m-%d}"
    return f"Embed link (Helix Pharma work orders, framed only by {ORIGIN}, until {until}):\n  {url}"
