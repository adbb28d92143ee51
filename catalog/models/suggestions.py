from django.conf import settings
from django.db import models

from catalog.models.datasets import PiiCategory
from catalog.querysets import CatalogManager


class ClassificationSuggestion(models.Model):
    """A proposed classification or PII category for a column, waiting for a steward.

    Produced by the PII scanner and by propagation along column lineage; nothing is applied
    until a steward accepts it.
    """

    class Detector(models.TextChoices):
        NAME_PATTERN = "name_pattern", "Column name pattern"
        VALUE_SAMPLE = "value_sample", "Sample of values"
        PROPAGATION = "propagation", "Propagated along lineage"
        PRODUCER_TAG = "producer_tag", "Tag sent by the data producer"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    column = models.ForeignKey("catalog.Column", on_delete=models.CASCADE, related_name="suggestions")
    detector = models.CharField(max_length=20, choices=Detector.choices)
    suggested_classification = models.ForeignKey(
        "catalog.Classification", on_delete=models.PROTECT, null=True, blank=True
    )
    suggested_pii_category = models.CharField(max_length=30, choices=PiiCategory.choices, blank=True)
    reason = models.TextField()
    score = models.FloatField(default=1.0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = CatalogManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.column}: {self.suggested_classification or ''} {self.suggested_pii_category}".strip()
