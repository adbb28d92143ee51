from django.conf import settings
from django.db import models

from catalog.querysets import CatalogManager


class System(models.Model):
    """Where data lives: the operational database, the lake, the warehouse, or an outside party."""

    class Kind(models.TextChoices):
        OPERATIONAL = "operational", "Operational database"
        LAKE = "lake", "Data lake"
        WAREHOUSE = "warehouse", "Warehouse"
        EXTERNAL = "external", "External system"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    storage_region = models.CharField(
        max_length=64, help_text="Where the data is stored, e.g. 'us-central1' or 'eu-west-1'."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    connection_url = models.CharField(
        max_length=500,
        blank=True,
        help_text="For schema sync: 'postgresql://host:port/db' or 'duckdb:///path/file.duckdb'. "
        "No secrets here: a password comes from PGPASSWORD or ~/.pgpass.",
    )

    objects = CatalogManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
