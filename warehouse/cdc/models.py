"""CDC state kept by the portal: sources, the schema versions seen, and the event log."""

from django.core.validators import RegexValidator
from django.db import models


class CdcQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """All rows for holders of the model permission, none for anyone else (operational data)."""
        perm = f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"
        return self if user.is_authenticated and user.has_perm(perm) else self.none()


class CdcSource(models.Model):
    """A PostgreSQL database captured into the raw lake: where it is, what to capture, its health."""

    class Mode(models.TextChoices):
        STREAM = "stream", "Streaming (cdc_consume)"
        POLL = "poll", "Polling (Celery task)"

    name = models.CharField(
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9_]+$", "Lower-case letters, digits and underscores only (it names files and slots)."
            )
        ],
    )
    dsn = models.CharField(
        max_length=500,
        help_text="libpq connection string without a password "
        "(use ~/.pgpass or PGPASSWORD); the role needs REPLICATION.",
    )
    tables = models.JSONField(default=list, help_text='Tables to capture, e.g. ["public.users"].')
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.STREAM)
    batch_rows = models.PositiveIntegerField(
        default=50_000, help_text="Publish a batch at this many changes…"
    )
    batch_seconds = models.FloatField(default=5.0, help_text="…or when its oldest change is this old.")
    lag_alert_bytes = models.BigIntegerField(
        default=1024**3, help_text="Alert when WAL held by the slot exceeds this."
    )
    lag_alert_seconds = models.PositiveIntegerField(
        default=900, help_text="Alert when the lake is this far behind."
    )
    # state
    snapshot_lsn = models.BigIntegerField(
        null=True, blank=True, help_text="Slot's consistent point of the snapshot."
    )
    snapshot_at = models.DateTimeField(null=True, blank=True)
    confirmed_lsn = models.BigIntegerField(
        default=0, help_text="End LSN of the last transaction in the lake."
    )
    changes_total = models.BigIntegerField(default=0)
    batches_total = models.BigIntegerField(default=0)
    last_batch_at = models.DateTimeField(null=True, blank=True)
    throughput = models.FloatField(default=0, help_text="Changes per second of the last batch.")
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of the consumer.")
    lag_bytes = models.BigIntegerField(null=True, blank=True, help_text="WAL not yet confirmed by the slot.")
    retained_bytes = models.BigIntegerField(
        null=True, blank=True, help_text="WAL the slot keeps on the source's disk."
    )
    lag_seconds = models.FloatField(
        null=True, blank=True, help_text="Age of the oldest change not in the lake."
    )
    lag_checked_at = models.DateTimeField(null=True, blank=True)
    alerting = models.BooleanField(default=False)
    errors_total = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CdcQuerySet.as_manager()

    class Meta:
        verbose_name = "CDC source"
        ordering = ["name"]
        permissions = [("operate_cdcsource", "Can set up and run change data capture")]

    def __str__(self):
        return self.name

    @property
    def publication(self) -> str:
        return f"custodian_{self.name}"

    @property
    def slot(self) -> str:
        return f"custodian_{self.name}"


class CdcSchemaVersion(models.Model):
    """A table's column list as seen in the replication stream; a new row per change of shape."""

    source = models.ForeignKey(CdcSource, on_delete=models.PROTECT, related_name="schema_versions")
    table = models.CharField(max_length=200, help_text="Raw lake table.")
    source_table = models.CharField(max_length=200, help_text="schema.table at the source.")
    version = models.PositiveIntegerField()
    columns = models.JSONField(help_text="[{name, type, arrow, key}] in source order.")
    changes = models.JSONField(
        default=dict, help_text="added / dropped / retyped columns vs the previous version."
    )
    first_lsn = models.BigIntegerField(
        help_text="Commit LSN of the transaction where this shape was first seen."
    )
    detected_at = models.DateTimeField(auto_now_add=True)

    objects = CdcQuerySet.as_manager()

    class Meta:
        verbose_name = "CDC schema version"
        ordering = ["source", "table", "version"]
        constraints = [
            models.UniqueConstraint(fields=["source", "table", "version"], name="cdc_schema_version_unique")
        ]

    def __str__(self):
        return f"{self.source}:{self.table} v{self.version}"


class CdcEvent(models.Model):
    """What happened to a source: set-up, snapshot, schema change, error, lag alert, recovery."""

    class Kind(models.TextChoices):
        SETUP = "setup", "Set-up"
        SNAPSHOT = "snapshot", "Initial snapshot"
        SCHEMA = "schema", "Schema change"
        ERROR = "error", "Error"
        ALERT = "alert", "Lag alert"
        RECOVERED = "recovered", "Recovered"

    source = models.ForeignKey(CdcSource, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    message = models.TextField()
    lsn = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = CdcQuerySet.as_manager()

    class Meta:
        verbose_name = "CDC event"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.source} {self.kind}"
