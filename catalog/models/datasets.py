from django.conf import settings
from django.db import models

from catalog.querysets import CatalogManager


class Source(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    OPENLINEAGE = "openlineage", "OpenLineage event"
    DBT = "dbt", "dbt manifest"
    SCHEMA_SYNC = "schema_sync", "Schema sync"


class ClassificationSource(models.TextChoices):
    """Where a level came from. Imports and derivations never replace a steward's or a confirmed
    suggestion's level; empty means no level (or one set before sources were recorded)."""

    STEWARD = "steward", "Set by a steward"
    SUGGESTION = "suggestion", "Confirmed suggestion"
    DBT_META = "dbt_meta", "Declared in dbt meta"
    LINEAGE = "lineage", "Derived along column lineage"
    TABLE = "table", "Its table's level"


class PiiCategory(models.TextChoices):
    NONE = "", "None"
    DIRECT_IDENTIFIER = "direct_identifier", "Direct identifier"
    QUASI_IDENTIFIER = "quasi_identifier", "Quasi-identifier"
    HEALTH = "health", "Health data (PHI)"
    FINANCIAL = "financial", "Financial"


class Dataset(models.Model):
    """A table, view or file set, named by `namespace` + `name` exactly as OpenLineage names it."""

    class Layer(models.TextChoices):
        RAW = "raw", "Raw"
        CLEANSED = "cleansed", "Cleansed"
        CURATED = "curated", "Curated"
        MART = "mart", "Mart"
        SOURCE = "source", "Operational source"

    namespace = models.CharField(max_length=500)
    name = models.CharField(max_length=1000)
    layer = models.CharField(max_length=20, choices=Layer.choices, blank=True)
    system = models.ForeignKey("catalog.System", on_delete=models.PROTECT, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.TextField(blank=True)
    classification = models.ForeignKey(
        "catalog.Classification", on_delete=models.PROTECT, null=True, blank=True
    )
    classification_source = models.CharField(
        max_length=20, choices=ClassificationSource.choices, blank=True, default="", db_default=""
    )
    tags = models.JSONField(default=list, blank=True)
    retention_policy_ref = models.CharField(
        max_length=200, blank=True, help_text="Reference to a retention policy (governance, later)."
    )
    row_count = models.BigIntegerField(null=True, blank=True)
    last_updated_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    dbt_unique_id = models.CharField(
        max_length=500,
        blank=True,
        default="",
        db_default="",  # rows written with COPY or raw SQL (benchmarks, data migrations) need none
        help_text="The dbt node it was imported from (model.<project>.<name>…).",
    )
    removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a schema sync or dbt import no longer finds it; cleared when it comes back.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CatalogManager()

    class Meta:
        ordering = ["namespace", "name"]
        constraints = [models.UniqueConstraint(fields=["namespace", "name"], name="catalog_dataset_identity")]

    def __str__(self):
        return f"{self.namespace}/{self.name}"

    @property
    def qualified_name(self) -> str:
        return str(self)

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class Column(models.Model):
    """A column of a dataset, with its meaning (glossary), sensitivity and PII/PHI category."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="columns")
    name = models.CharField(max_length=500)
    data_type = models.CharField(max_length=200, blank=True)
    ordinal_position = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    nullable = models.BooleanField(null=True, blank=True)
    classification = models.ForeignKey(
        "catalog.Classification", on_delete=models.PROTECT, null=True, blank=True
    )
    classification_source = models.CharField(
        max_length=20, choices=ClassificationSource.choices, blank=True, default="", db_default=""
    )
    pii_category = models.CharField(max_length=30, choices=PiiCategory.choices, blank=True)
    glossary_terms = models.ManyToManyField("catalog.GlossaryTerm", blank=True, related_name="columns")
    removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a schema sync or dbt import no longer finds it; cleared when it comes back.",
    )

    objects = CatalogManager()

    class Meta:
        ordering = ["dataset", "ordinal_position", "name"]
        constraints = [models.UniqueConstraint(fields=["dataset", "name"], name="catalog_column_identity")]

    def __str__(self):
        return f"{self.dataset}.{self.name}"

    @property
    def is_removed(self) -> bool:
        """Gone from its table, or its table gone: either way not part of current lineage."""
        return self.removed_at is not None or self.dataset.removed_at is not None
