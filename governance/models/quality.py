"""Data quality: checks per dataset, their results per pipeline run, scores and SLAs."""

from django.db import models

from governance.querysets import VisibleQuerySet


class CheckType(models.TextChoices):
    ROW_COUNT = "row_count", "Row count in range"
    VOLUME_CHANGE = "volume_change", "Volume change against the previous run"
    NOT_NULL = "not_null", "Not-null ratio"
    UNIQUE = "unique", "Uniqueness"
    ACCEPTED_VALUES = "accepted_values", "Accepted values"
    RANGE = "range", "Values in range"
    REFERENTIAL = "referential", "Referential integrity"
    FRESHNESS = "freshness", "Freshness (age of the newest row)"
    SCHEMA_DRIFT = "schema_drift", "Schema drift against the catalog"
    CUSTOM_SQL = "custom_sql", "Custom SQL returning failing rows"


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARN = "warn", "Warning"


class QualityCheck(models.Model):
    """One check on a dataset, defined in the admin or in YAML beside the dbt project.

    dbt tests are not copied here: they stay in `catalog.DataCheck` and the score reads them there.
    """

    class Source(models.TextChoices):
        ADMIN = "admin", "Admin"
        YAML = "yaml", "YAML file"

    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="quality_checks")
    column = models.CharField(max_length=500, blank=True, help_text="Empty: the check is on the whole table.")
    check_type = models.CharField(max_length=20, choices=CheckType.choices)
    params = models.JSONField(
        default=dict, blank=True, help_text="Thresholds and values; see docs/quality.md."
    )
    severity = models.CharField(
        max_length=5,
        choices=Severity.choices,
        default=Severity.WARN,
        help_text="An error holds back the dataset's downstream models when the check fails; "
        "a warning only reports.",
    )
    source = models.CharField(max_length=5, choices=Source.choices, default=Source.ADMIN)
    source_key = models.CharField(
        max_length=300, blank=True, help_text="File and name of a YAML check; its identity across loads."
    )
    enabled = models.BooleanField(default=True)
    description = models.TextField(blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["dataset", "check_type", "column"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~models.Q(source_key=""),
                name="quality_check_unique_source_key",
            )
        ]

    def __str__(self):
        on = f".{self.column}" if self.column else ""
        return f"{self.get_check_type_display()} on {self.dataset.name}{on}"


class CheckResult(models.Model):
    """The outcome of one check in one pipeline run (or one manual run, without a job run)."""

    class Status(models.TextChoices):
        PASS = "pass", "Passed"
        WARN = "warn", "Warning"
        FAIL = "fail", "Failed"
        ERROR = "error", "Could not run"

    quality_check = models.ForeignKey(QualityCheck, on_delete=models.CASCADE, related_name="results")
    job_run = models.ForeignKey(
        "warehouse.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="quality_results"
    )
    status = models.CharField(max_length=5, choices=Status.choices)
    observed = models.FloatField(
        null=True, blank=True, help_text="The measured value (ratio, count, hours…)."
    )
    rows_checked = models.BigIntegerField(null=True, blank=True)
    failing_count = models.BigIntegerField(null=True, blank=True)
    samples = models.JSONField(default=list, blank=True, help_text="Up to 5 failing rows; L3/L4 masked.")
    message = models.TextField(blank=True)
    ran_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-ran_at", "quality_check"]
        indexes = [models.Index(fields=["quality_check", "-ran_at"])]

    def __str__(self):
        return f"{self.quality_check}: {self.get_status_display()}"


class QualityScore(models.Model):
    """The quality score of a dataset at one moment, by dimension (0-100); see docs/quality.md."""

    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="quality_scores")
    job_run = models.ForeignKey("warehouse.JobRun", null=True, blank=True, on_delete=models.SET_NULL)
    computed_at = models.DateTimeField()
    completeness = models.FloatField(null=True, blank=True)
    validity = models.FloatField(null=True, blank=True)
    uniqueness = models.FloatField(null=True, blank=True)
    consistency = models.FloatField(null=True, blank=True)
    timeliness = models.FloatField(null=True, blank=True)
    total = models.FloatField()

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at"]
        indexes = [models.Index(fields=["dataset", "-computed_at"])]

    def __str__(self):
        return f"{self.dataset.name} {self.computed_at:%Y-%m-%d %H:%M}: {self.total:.1f}"


class QualitySla(models.Model):
    """The score a dataset must keep; datasets without a row get the defaults of `quality.sla`."""

    dataset = models.OneToOneField("catalog.Dataset", on_delete=models.CASCADE, related_name="quality_sla")
    target_score = models.FloatField(help_text="Minimum total score, 0-100.")
    note = models.TextField(blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = "data-quality SLA"
        verbose_name_plural = "data-quality SLAs"

    def __str__(self):
        return f"{self.dataset.name} ≥ {self.target_score:g}"
