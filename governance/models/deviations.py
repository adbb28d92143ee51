"""Deviations from an approved procedure, planned or not."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.validators import validate_calendar_date
from governance.querysets import VisibleQuerySet

# Without a date of its own, a deviation is due this many days after it occurred (the same
# default the migration gave the deviations recorded before due dates existed).
DEFAULT_DUE_DAYS = 30


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
    due_date = models.DateField(
        blank=True,
        validators=[validate_calendar_date],
        help_text=f"Date by which it must be closed; empty: {DEFAULT_DUE_DAYS} days after it occurred.",
    )
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

    def save(self, *args, **kwargs):
        self._default_due_date()
        super().save(*args, **kwargs)

    def _default_due_date(self):
        if self.due_date is None and self.occurred_on is not None:
            self.due_date = self.occurred_on + timedelta(days=DEFAULT_DUE_DAYS)

    @property
    def is_overdue(self) -> bool:
        today = timezone.localdate()
        return self.status != self.Status.CLOSED and self.due_date is not None and self.due_date < today

    def clean(self):
        self._default_due_date()
        if self.due_date and self.occurred_on and self.due_date < self.occurred_on:
            raise ValidationError({"due_date": "The due date comes before the deviation occurred."})
        if self.status == self.Status.CLOSED and not self.impact_assessment.strip():
            raise ValidationError(
                {"impact_assessment": "A deviation is closed only after its impact assessment."}
            )
