from django.conf import settings
from django.db import models

from catalog.querysets import CatalogManager


class Job(models.Model):
    """A process that reads and writes datasets (an OpenLineage job, a dbt model build)."""

    namespace = models.CharField(max_length=500)
    name = models.CharField(max_length=1000)
    description = models.TextField(blank=True)

    objects = CatalogManager()

    class Meta:
        ordering = ["namespace", "name"]
        constraints = [models.UniqueConstraint(fields=["namespace", "name"], name="catalog_job_identity")]

    def __str__(self):
        return f"{self.namespace}/{self.name}"


class LineageEvent(models.Model):
    """An OpenLineage event exactly as received; the edges are derived from it.

    `event_hash` (SHA-256 of the canonical JSON) makes a repeated event a no-op.
    """

    event_hash = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=20, blank=True)
    event_time = models.DateTimeField()
    run_id = models.CharField(max_length=64, db_index=True)
    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="events")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CatalogManager()

    class Meta:
        ordering = ["-event_time", "-id"]

    def __str__(self):
        return f"{self.event_type or 'event'} {self.job} {self.run_id}"


class LineageEdge(models.Model):
    """Table-level lineage: `input_dataset` is read by `job`, which writes `output_dataset`."""

    input_dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="+")
    output_dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="edges")
    source = models.CharField(max_length=20, default="openlineage")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatalogManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["input_dataset", "output_dataset", "job"], name="catalog_lineageedge_identity"
            )
        ]
        # The unique index serves downstream walks; this one serves upstream walks.
        indexes = [models.Index(fields=["output_dataset", "input_dataset"], name="catalog_edge_upstream")]

    def __str__(self):
        return f"{self.input_dataset_id} -> {self.output_dataset_id} via {self.job_id}"


class ColumnLineageEdge(models.Model):
    """Column-level lineage as OpenLineage's columnLineage facet defines it."""

    class TransformationType(models.TextChoices):
        DIRECT = "DIRECT", "Direct"
        INDIRECT = "INDIRECT", "Indirect"

    input_column = models.ForeignKey("catalog.Column", on_delete=models.CASCADE, related_name="+")
    output_column = models.ForeignKey("catalog.Column", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="column_edges")
    transformation_type = models.CharField(max_length=10, choices=TransformationType.choices)
    subtype = models.CharField(max_length=30, blank=True, help_text="IDENTITY, TRANSFORMATION, AGGREGATION…")
    masking = models.BooleanField(default=False, help_text="True: no original data passes (e.g. a hash).")
    description = models.TextField(blank=True)

    objects = CatalogManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["input_column", "output_column", "job", "transformation_type", "subtype"],
                name="catalog_columnedge_identity",
            )
        ]
        indexes = [models.Index(fields=["output_column", "input_column"], name="catalog_coledge_upstream")]

    def __str__(self):
        return f"{self.input_column_id} -> {self.output_column_id} ({self.transformation_type})"
