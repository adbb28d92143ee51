from django.conf import settings
from django.db import models


class PackageBuild(models.Model):
    """A built sequence folder: where it is, its SHA-256 manifest and its validation report."""

    class Kind(models.TextChoices):
        ECTD = "ectd", "eCTD v3.2.2"
        NEES = "nees", "NeeS"

    sequence = models.ForeignKey("submissions.Sequence", on_delete=models.PROTECT, related_name="builds")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    path = models.CharField(max_length=500, help_text="The sequence folder that was written.")
    manifest = models.TextField(help_text="sha256sum-format list of every file in the package.")
    manifest_sha256 = models.CharField(max_length=64)
    report = models.JSONField(default=list, help_text="Every check with its result and offending path.")
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-built_at", "-pk"]
        get_latest_by = ["built_at", "pk"]

    def __str__(self):
        return f"{self.sequence} built {self.built_at:%Y-%m-%d %H:%M} ({self.error_count} errors)"
