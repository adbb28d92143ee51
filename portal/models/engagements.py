"""Auditor engagements: who audits what, for which period, and which objects they may see."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models

from accounts.grants import granted
from accounts.validators import validate_calendar_date


class EngagementQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """All engagements for holders of the model permission; an auditor's own, while live."""
        if user.is_authenticated and user.has_perm(f"portal.{action}_engagement"):
            return self
        return granted(self, user, action)


class Engagement(models.Model):
    """An external audit: a firm examining one framework over an observation period.

    Its auditors are `accounts.AccessGrant`s scoped to it (each with its own window); what they
    may see is the list of `EngagementObject`s, opened to each auditor as guardian permissions.
    """

    name = models.CharField(max_length=200)
    firm = models.CharField("audit firm", max_length=200)
    framework = models.ForeignKey("governance.Framework", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("observation period start", validators=[validate_calendar_date])
    period_end = models.DateField("observation period end", validators=[validate_calendar_date])
    audit = models.ForeignKey(
        "governance.Audit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
        help_text="The audit this engagement serves; its findings can be opened to the auditors.",
    )
    audit_reference = models.CharField(
        max_length=100, blank=True, help_text="The auditor firm's own reference for the engagement."
    )
    confidentiality_terms = models.TextField(
        blank=True, help_text="If set, each auditor must accept these terms at first login."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    grants = GenericRelation(
        "accounts.AccessGrant", content_type_field="scope_type", object_id_field="scope_id"
    )

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "name"]

    def __str__(self):
        return f"{self.name} ({self.firm})"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The observation period ends before it starts."})


class EngagementObject(models.Model):
    """One object the engagement covers: a snapshot, an evidence item, a finding, a report…"""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="items")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "content_type", "object_id"], name="engagement_object_unique"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} #{self.object_id}"
