"""Deviations from an approved procedure, planned or not."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.validators import validate_calendar_date
from governance.querysets import VisibleQuerySet


class Deviation(models.Model):
    """A departure from an approved procedure, with its impact assessment and, if needed, a CAPA."""

    class Kind(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNPLANNED = "unplanned", "Unplanned"

    class Impact(models.TextChoices):
        NONE = "none", "No impact"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ASSESSED = "assessed", "Impact assessed"
        CLOSED = "closed", "Closed"

    ref = models.CharField("reference", max_length=40, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(blank=True)
    occurred_on = models.DateField(default=timezone.localdate, validators=[validate_calendar_date])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    impact = models.CharField(max_length=8, choices=Impact.choices, blank=True)
    impact_assessment = models.TextField(blank=True)
    capa = models.ForeignKey(
        "governance.Capa", null=True, blank=True, on_delete=models.PROTECT, related_name="deviations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "ref"]

    def __str__(self):
        return f"{self.ref} {self.title} ({self.get_kind_display().lower()})"

    def clean(self):
        if self.status == self.Status.CLOSED and not self.impact_assessment.strip():
            raise ValidationError(
                {"impact_assessment": "A deviation is closed only after its impact assessment."}
            )
