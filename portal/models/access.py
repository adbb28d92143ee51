"""The portal access log: every page view, download and request in the auditor and customer
portals, one row each."""

from django.conf import settings
from django.db import models


class PortalAccessQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if user.is_authenticated and user.has_perm(f"portal.{action}_portalaccess"):
            return self
        return self.none()


class PortalAccess(models.Model):
    """One request an auditor or a customer viewer made in their portal. Append-only.

    A dedicated table rather than the hash-chained trail: page views are many and cheap, and the
    chain's single head row would serialise 50 auditors browsing at once. Downloads and evidence
    requests are *also* written to the audit trail as explicit events (accounts.audit).
    """

    class Kind(models.TextChoices):
        VIEW = "view", "Page view"
        DOWNLOAD = "download", "Download"
        REQUEST = "request", "Evidence request"
        DENIED = "denied", "Refused"

    class Portal(models.TextChoices):
        AUDITOR = "auditor", "Auditor portal"
        CUSTOMER = "customer", "Customer portal"

    portal = models.CharField(max_length=10, choices=Portal.choices, default=Portal.AUDITOR)
    engagement = models.ForeignKey(
        "portal.Engagement", null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Customer portal: the organisation whose pages were asked for.",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    detail = models.CharField(max_length=300, blank=True, help_text="What was downloaded or requested.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PortalAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "auditor access"
        verbose_name_plural = "auditor access log"
        indexes = [
            models.Index(fields=["engagement", "-at"]),
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["portal", "organization", "-at"]),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.path}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Access log rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Access log rows are never deleted.")


class CustomerAccessManager(models.Manager.from_queryset(PortalAccessQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(portal=PortalAccess.Portal.CUSTOMER)


class CustomerAccess(PortalAccess):
    """The customer portal's rows of the access log, listed in the admin on their own."""

    objects = CustomerAccessManager()

    class Meta:
        proxy = True
        ordering = ["-at", "-pk"]
        verbose_name = "customer access"
        verbose_name_plural = "customer access log"
