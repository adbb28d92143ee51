from django.conf import settings
from django.db import models


class EvidencePackage(models.Model):
    """A signed zip of selected evidence, audit-trail extracts and reports, for an agency or inspector."""

    class Purpose(models.TextChoices):
        SUBMISSION = "submission", "For a submission"
        INSPECTION = "inspection", "For an inspection"

    title = models.CharField(max_length=200)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    application = models.ForeignKey(
        "submissions.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    path = models.CharField(max_length=500, help_text="The zip that was written.")
    manifest_sha256 = models.CharField(max_length=64)
    file_count = models.PositiveIntegerField()
    contents = models.JSONField(
        default=dict, help_text="What went in: evidence ids, sequences, audit filter."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.created_at:%Y-%m-%d})"
