"""Time-limited object grants: the *when* beside django-guardian's *what*.

A grant gives one user a window (`valid_from` to `valid_until`) in some scope (an auditor
engagement, say; any model instance). The objects it opens are django-guardian object
permissions, each also listed as a `GrantedObject` of the grant, so that revoking one grant
removes exactly the permissions no other live grant still needs, and so that a permission only
counts while a grant listing it is live: expiry needs no job, it is checked on every read
(`accounts.grants.granted`).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.validators import validate_calendar_datetime


def live_q(at=None, prefix: str = "") -> Q:
    """The condition of a grant in force at `at` (default: now): started, not yet ended, not
    revoked. `prefix` reaches grants through a relation (e.g. "grants__")."""
    at = at or timezone.now()
    conditions = {"valid_from__lte": at, "valid_until__gt": at, "revoked_at__isnull": True}
    return Q(**{prefix + lookup: value for lookup, value in conditions.items()})


class AccessGrantQuerySet(models.QuerySet):
    def live(self, at=None):
        """Grants in force at `at` (default: now): started, not yet ended, not revoked."""
        return self.filter(live_q(at))

    def visible_to(self, user, action: str = "view"):
        if user.is_authenticated and user.has_perm(f"accounts.{action}_accessgrant"):
            return self
        return self.none()


class AccessGrant(models.Model):
    """One person's time-limited access in one scope (e.g. an auditor on an engagement)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants")
    scope_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    scope_id = models.PositiveBigIntegerField()
    scope = GenericForeignKey("scope_type", "scope_id")
    valid_from = models.DateTimeField(validators=[validate_calendar_datetime])
    valid_until = models.DateTimeField(validators=[validate_calendar_datetime])
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the confidentiality terms of the scope were accepted."
    )

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope_type", "scope_id"], name="access_grant_one_per_scope"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="access_grant_window_positive"
            ),
        ]
        indexes = [models.Index(fields=["scope_type", "scope_id"])]

    def __str__(self):
        return f"{self.user} until {self.valid_until:%Y-%m-%d %H:%M}"

    def is_live(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.valid_from <= at < self.valid_until

    @property
    def status(self) -> str:
        now = timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if now < self.valid_from:
            return "not started"
        return "live" if now < self.valid_until else "expired"


class GrantedObject(models.Model):
    """One object permission a grant opened (mirrors a django-guardian UserObjectPermission)."""

    grant = models.ForeignKey(AccessGrant, on_delete=models.CASCADE, related_name="objects_granted")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    codename = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "content_type", "object_id", "codename"], name="granted_object_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "codename", "object_id"])]

    def __str__(self):
        return f"{self.codename} #{self.object_id}"
