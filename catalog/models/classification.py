from django.db import models

from catalog.querysets import CatalogManager


class Classification(models.Model):
    """A sensitivity level L0-L4, reference data loaded from `catalog/reference/classifications.yaml`.

    Rows are identified by `code` (stable, e.g. "L3") and carry the handling rules that other
    apps enforce: masking, the regions data may be stored in, and the minimum retention.
    """

    code = models.CharField(max_length=8, unique=True)
    urn = models.CharField(max_length=200, unique=True)
    level = models.PositiveSmallIntegerField(unique=True, help_text="0 (public) to 4 (most restricted).")
    name = models.CharField(max_length=100)
    description = models.TextField()
    masking_required = models.BooleanField(default=False)
    allowed_regions = models.JSONField(default=list, blank=True, help_text="Empty: any region.")
    minimum_retention_days = models.PositiveIntegerField(null=True, blank=True)
    source_version = models.CharField(max_length=20, help_text="Version of the YAML file it came from.")

    objects = CatalogManager()

    class Meta:
        ordering = ["level"]

    def __str__(self):
        return f"{self.code} {self.name}"
