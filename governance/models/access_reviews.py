"""Quarterly reviews of warehouse access, signed off by a data owner (21 CFR 11.200)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def validate_quarter(value: str) -> None:
    if not QUARTER.match(value or ""):
        raise ValidationError(f"{value!r} is not a quarter: write it as 2027-Q1.")


class AccessReview(models.Model):
    """One data owner's review of who may read their warehouse datasets, for one quarter.

    Opening it snapshots one item per active access policy that reaches the owner's datasets;
    the owner decides keep or revoke on each and signs the review off with an electronic
    signature. A signed review is read-only.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SIGNED = "signed", "Signed off"

    quarter = models.CharField(max_length=7, validators=[validate_quarter], help_text="e.g. 2027-Q1")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="data owner"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, editable=False)
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-quarter", "owner__last_name", "owner__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "owner"], name="access_review_once_per_quarter")
        ]

    def __str__(self):
        name = self.owner.get_full_name() or self.owner.get_username()
        return f"Access review {self.quarter}: {name}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class AccessReviewItem(models.Model):
    """One access policy as it stood when the review opened, and the owner's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "", "Not decided"
        KEEP = "keep", "Keep"
        REVOKE = "revoke", "Revoke"

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="policy_items")
    policy = models.ForeignKey("warehouse_reads.AccessPolicy", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=150)
    scope = models.CharField(max_length=300, help_text="The layer or dataset the policy reaches.")
    clearance = models.CharField(max_length=8, help_text="The highest level read in clear.")
    row_filter = models.CharField(max_length=60, blank=True)
    members = models.JSONField(default=list, help_text="Names of the role's active members at opening.")
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="Last allowed read under it.")
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=300, blank=True, help_text="What the sign-off did with a revoke decision."
    )

    class Meta:
        ordering = ["review", "role", "scope"]
        constraints = [models.UniqueConstraint(fields=["review", "policy"], name="access_review_item_once")]

    def __str__(self):
        return f"{self.role}: {self.scope}"
