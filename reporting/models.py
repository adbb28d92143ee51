"""Saved reports, their schedules and each delivery (issue 18). Metrics are declared in
`metrics.yml` and dashboards in `reporting.dashboards` (code, reviewed like code); a saved report
only names metrics of the layer, never SQL."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone

from accounts.models import Organization


class SavedReport(models.Model):
    """Metrics, a dimension, filters and a period picked from the metric layer; no free SQL."""

    class Grain(models.TextChoices):
        MONTH = "month", "Monthly"
        QUARTER = "quarter", "Quarterly"
        YEAR = "year", "Yearly"

    class Period(models.TextChoices):
        LAST_12_MONTHS = "last_12_months", "Last 12 months"
        LAST_24_MONTHS = "last_24_months", "Last 24 months"
        YEAR_TO_DATE = "year_to_date", "Year to date"
        LAST_FULL_YEAR = "last_full_year", "Last full year"
        CUSTOM = "custom", "Custom dates"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="saved_reports"
    )
    metrics = models.JSONField(help_text="Names of metrics of the metric layer, in display order.")
    dimension = models.CharField(max_length=64, blank=True, help_text="Break every metric down by this.")
    filters = models.JSONField(default=dict, blank=True, help_text="Dimension -> value.")
    grain = models.CharField(max_length=10, choices=Grain.choices, default=Grain.MONTH)
    period = models.CharField(max_length=20, choices=Period.choices, default=Period.LAST_12_MONTHS)
    start = models.DateField(null=True, blank=True, help_text="Custom period only.")
    end = models.DateField(null=True, blank=True, help_text="Custom period only.")
    shared_with_roles = models.ManyToManyField(Group, blank=True, related_name="shared_reports")
    shared_with_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="shared_reports"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReportSchedule(models.Model):
    """A delivery of a saved report or a dashboard, daily, weekly or monthly, as a beat task."""

    class Cadence(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_schedules"
    )
    report = models.ForeignKey(
        SavedReport, on_delete=models.PROTECT, null=True, blank=True, related_name="schedules"
    )
    dashboard = models.SlugField(
        max_length=64, blank=True, help_text="A dashboard's slug, when no report is set."
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_schedules",
        help_text="A customer's schedule: only that organisation's rows, only its people.",
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    hour = models.PositiveSmallIntegerField(default=7, help_text="Hour of the day, UTC.")
    weekday = models.PositiveSmallIntegerField(default=1, help_text="Weekly: 0 Sunday … 6 Saturday.")
    day_of_month = models.PositiveSmallIntegerField(default=1, help_text="Monthly: 1 to 28.")
    recipient_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    recipient_roles = models.ManyToManyField(Group, blank=True, related_name="+")
    recipient_addresses = models.TextField(blank=True, help_text="E-mail addresses, one per line.")
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReportDelivery(models.Model):
    """One sending of a schedule: who received what (the PDF's SHA-256) and how it ended."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.PROTECT, related_name="deliveries")
    due_at = models.DateTimeField(help_text="The slot this delivery serves; one delivery per slot.")
    recipients = models.JSONField(default=list)
    refused = models.JSONField(default=list, help_text="Addresses refused, with the reason.")
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    warehouse_run = models.ForeignKey(
        "warehouse.JobRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True, help_text="Why it failed, or what the reader should know.")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at"]
        verbose_name_plural = "report deliveries"
        constraints = [models.UniqueConstraint(fields=["schedule", "due_at"], name="delivery_one_per_slot")]

    def __str__(self):
        return f"{self.schedule} at {self.due_at:%Y-%m-%d %H:%M}"
