"""Signed embed links: one organisation's customer dashboard, framed in that customer's intranet."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

ORIGIN_RE = re.compile(r"^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$")
LOOPBACK_RE = re.compile(r"^http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?$")


def validate_origin(value: str) -> None:
    """`https://host[:port]`, lower case, nothing after the host: exactly what a browser compares
    against `frame-ancestors`. Plain-http loopback origins only where settings allow them (tests)."""
    if ORIGIN_RE.match(value):
        return
    if settings.EMBED_ALLOW_HTTP_LOOPBACK and LOOPBACK_RE.match(value):
        return
    raise ValidationError(
        "Enter an origin as https://host or https://host:port, in lower case, with no path "
        "or trailing slash (for example https://intranet.example.com)."
    )


class EmbedOriginQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if user.is_authenticated and user.has_perm(f"portal.{action}_embedorigin"):
            return self
        return self.none()


class EmbedOrigin(models.Model):
    """A web origin allowed to frame the organisation's embed links (CSP `frame-ancestors`)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="embed_origins"
    )
    origin = models.CharField(max_length=200, validators=[validate_origin])
    added_at = models.DateTimeField(auto_now_add=True)

    objects = EmbedOriginQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "origin"]
        verbose_name = "embedding origin"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "origin"],
                name="embed_origin_unique",
                violation_error_message="This organisation already allows that origin.",
            )
        ]

    def __str__(self):
        return self.origin


class EmbedLinkQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if user.is_authenticated and user.has_perm(f"portal.{action}_embedlink"):
            return self
        return self.none()

    def with_status(self, at=None):
        """`status` at `at` (default now), computed by the database so lists filter and sort on it."""
        at = at or timezone.now()
        return self.annotate(
            status=Case(
                When(revoked_at__isnull=False, then=Value(EmbedLink.Status.REVOKED)),
                When(expires_at__lte=at, then=Value(EmbedLink.Status.EXPIRED)),
                default=Value(EmbedLink.Status.ACTIVE),
            )
        )

    def active(self, at=None):
        return self.filter(Q(revoked_at__isnull=True) & Q(expires_at__gt=at or timezone.now()))


class EmbedLink(models.Model):
    """A signed, expiring link that renders one customer dashboard of one organisation without
    the portal's chrome. Reads run as `reader`, a customer viewer of that organisation, so the
    governed read path applies their policies and row filter exactly as in the portal."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="embed_links"
    )
    dashboard = models.CharField(max_length=64)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="embed_links_read",
        help_text="The customer viewer whose access the embedded dashboard reads with.",
    )
    label = models.CharField(max_length=200, blank=True, help_text="Where it is embedded, for people.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = EmbedLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "embed link"
        permissions = [("revoke_embedlink", "Can revoke embed link")]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self):
        return self.label or f"Embed link #{self.pk}"
