"""Data health: freshness expectations and stale-data incidents, key-metric history and anomalies."""

from datetime import timedelta

from django.conf import settings
from django.db import models

from governance.querysets import VisibleQuerySet


class FreshnessSla(models.Model):
    """A freshness expectation set by hand for a dataset; without one the job schedule decides."""

    dataset = models.OneToOneField("catalog.Dataset", on_delete=models.CASCADE, related_name="freshness_sla")
    max_age = models.DurationField(
        help_text="The newest data may be at most this old (e.g. 1 day, 02:00:00)."
    )
    note = models.CharField(max_length=300, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = "freshness SLA"
        verbose_name_plural = "freshness SLAs"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_age__gt=timedelta(0)), name="freshness_sla_positive"
            )
        ]

    def __str__(self):
        return f"{self.dataset.name}: at most {self.max_age} old"


class FreshnessIncident(models.Model):
    """One episode of stale data: opened when a dataset goes stale, closed when it is fresh again."""

    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.CASCADE, related_name="freshness_incidents"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    data_as_of = models.DateTimeField(null=True, blank=True, help_text="Newest data when the episode opened.")
    max_age = models.DurationField(help_text="The expectation that was missed.")
    expectation_source = models.CharField(max_length=200, help_text="Where the expectation came from.")
    notified = models.CharField(max_length=1000, blank=True, help_text="Who was e-mailed when it opened.")

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            # At most one open episode per dataset: the beat task can run twice, the alert goes once.
            models.UniqueConstraint(
                fields=["dataset"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_freshness_incident",
            )
        ]

    def __str__(self):
        return f"{self.dataset.name} stale since {self.opened_at:%Y-%m-%d %H:%M}"


class MetricPoint(models.Model):
    """The value of a key metric (of one subject: a table, a job, a tenant…) on one day."""

    metric = models.CharField(max_length=100, db_index=True)
    subject = models.CharField(max_length=300, blank=True)
    day = models.DateField()
    value = models.FloatField()

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["metric", "subject", "day"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "subject", "day"], name="one_metric_point_a_day")
        ]

    def __str__(self):
        return f"{self.metric} {self.subject} {self.day}: {self.value:g}"


class MetricAnomaly(models.Model):
    """A metric value far from its usual level (robust z-score), for a steward to acknowledge."""

    metric = models.CharField(max_length=100, db_index=True)
    subject = models.CharField(max_length=300, blank=True)
    day = models.DateField()
    value = models.FloatField()
    expected = models.FloatField(help_text="Median of the comparable earlier days.")
    score = models.FloatField(help_text="Robust z-score: 0.6745 * (value - median) / MAD.")
    detected_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "metric", "subject"]
        verbose_name_plural = "metric anomalies"
        permissions = [("acknowledge_metricanomaly", "Can acknowledge metric anomalies")]
        constraints = [models.UniqueConstraint(fields=["metric", "subject", "day"], name="one_anomaly_a_day")]

    def __str__(self):
        return f"{self.metric} {self.subject} {self.day}"
