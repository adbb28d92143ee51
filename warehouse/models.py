from django.conf import settings
from django.db import models

from warehouse.cdc.models import CdcQuerySet


class JobRun(models.Model):
    """One run of a warehouse job: what ran, how far it got, what it read and wrote, how it ended."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule (beat)"
        MANUAL = "manual", "Manual (admin or command)"
        DEMO = "demo", "Demo setup"

    job = models.CharField(max_length=200, db_index=True)
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    selection = models.CharField(max_length=500, blank=True, help_text="dbt selection; empty = whole graph.")
    full_refresh = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    current_node = models.CharField(max_length=300, blank=True)
    rows_read = models.BigIntegerField(default=0)
    rows_written = models.BigIntegerField(default=0)
    retries = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    results = models.JSONField(default=list, blank=True, help_text="Per dbt node: status, rows, message.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CdcQuerySet.as_manager()  # operational data: the model permission or nothing

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="jobrun_progress_percent")
        ]
        permissions = [("run_jobrun", "Can start warehouse jobs")]

    def __str__(self):
        return f"{self.job} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        """Queued or running: its page keeps following it."""
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class WarehouseModel(models.Model):
    """A dbt model (or snapshot) of the warehouse and the outcome of its latest run."""

    unique_id = models.CharField(max_length=300, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    layer = models.CharField(max_length=40, db_index=True)
    relation = models.CharField(max_length=300, blank=True)
    last_status = models.CharField(max_length=20, blank=True)
    last_message = models.TextField(blank=True)
    last_rows = models.BigIntegerField(null=True, blank=True)
    last_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True, help_text="Freshness of its data.")

    objects = CdcQuerySet.as_manager()

    class Meta:
        ordering = ["layer", "name"]

    def __str__(self):
        return self.name


from warehouse.cdc.models import CdcEvent, CdcSchemaVersion, CdcSource  # noqa: F401, E402 - issue 5
