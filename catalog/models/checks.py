from django.db import models

from catalog.querysets import CatalogManager


class DataCheck(models.Model):
    """A data test defined elsewhere (a dbt test) and its last result."""

    unique_id = models.CharField(max_length=500, unique=True)
    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="checks")
    column = models.ForeignKey("catalog.Column", on_delete=models.SET_NULL, null=True, blank=True)
    name = models.CharField(max_length=500)
    test_type = models.CharField(max_length=100, help_text="not_null, unique, accepted_values, …")
    severity = models.CharField(max_length=10, blank=True)
    source = models.CharField(max_length=20, default="dbt")
    last_status = models.CharField(max_length=20, blank=True)
    last_failures = models.IntegerField(null=True, blank=True)
    last_message = models.TextField(blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a dbt import no longer has the test.",
    )

    objects = CatalogManager()

    class Meta:
        ordering = ["dataset", "name"]

    def __str__(self):
        return self.name
