"""Readiness score history and evidence snapshots."""

from django.conf import settings
from django.db import models

from governance.querysets import VisibleQuerySet


class ReadinessScore(models.Model):
    """The readiness score of one day, per framework (or overall) and organisation (or all)."""

    day = models.DateField()
    framework = models.ForeignKey(
        "governance.Framework", null=True, blank=True, on_delete=models.PROTECT, related_name="scores"
    )
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True, on_delete=models.PROTECT)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    detail = models.JSONField(default=dict, help_text="Per-criterion breakdown, as computed.")

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        # One row per day, framework (empty: overall) and organisation (empty: company-wide).
        # A unique index treats NULLs as distinct, and SQLite cannot say otherwise
        # (nulls_distinct), so each null/non-null combination gets its own partial index.
        constraints = [
            models.UniqueConstraint(
                fields=[f for f in ("day", "framework", "organization") if f not in empty],
                condition=models.Q(framework__isnull="framework" in empty)
                & models.Q(organization__isnull="organization" in empty),
                name="readiness_score_unique_day" + "".join(f"_no_{f}" for f in empty),
            )
            for empty in ((), ("framework",), ("organization",), ("framework", "organization"))
        ]

    def __str__(self):
        return f"{self.day} {self.framework or 'overall'}: {self.score}"


class Snapshot(models.Model):
    """A frozen, signed evidence folder for one framework and month, chained to the previous one."""

    framework = models.ForeignKey("governance.Framework", on_delete=models.PROTECT, related_name="snapshots")
    month = models.DateField(help_text="First day of the month the snapshot covers.")
    path = models.CharField(max_length=500)
    manifest_sha256 = models.CharField(max_length=64)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )
    file_count = models.PositiveIntegerField()
    total_bytes = models.PositiveBigIntegerField()
    key_fingerprint = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "-month"]
        constraints = [models.UniqueConstraint(fields=["framework", "month"], name="snapshot_unique_month")]

    def __str__(self):
        return f"{self.framework.slug or self.framework.urn} {self.month:%Y-%m}"
