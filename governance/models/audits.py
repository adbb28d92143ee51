"""Audits and inspections with their timeline of tasks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.validators import validate_calendar_date
from governance.querysets import VisibleQuerySet


def _check_period(errors: dict, start, end, field: str) -> None:
    if start and end and end < start:
        errors[field] = "The period ends before it starts."


class Audit(models.Model):
    """An audit or inspection: internal, by a customer, a certification body or a regulator.

    Planned and actual dates place it on the timeline; the observation period is the window
    the auditor examines (a SOC 2 Type II period, say). Closed audits stay browsable with
    their findings and the remediation status of each.
    """

    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal audit"
        CUSTOMER = "customer", "Customer audit"
        CERTIFICATION = "certification", "Certification body"
        REGULATORY = "regulatory", "Regulatory inspection"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        FIELDWORK = "fieldwork", "Fieldwork"
        REPORTING = "reporting", "Reporting"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    frameworks = models.ManyToManyField("governance.Framework", blank=True, related_name="audits")
    scope = models.TextField(blank=True)
    auditor_firm = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT,
        help_text="The customer, for a customer audit; empty otherwise.",
    )  # fmt: skip
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Our person coordinating the audit.",
    )  # fmt: skip
    planned_start = models.DateField(validators=[validate_calendar_date])
    planned_end = models.DateField(validators=[validate_calendar_date])
    actual_start = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    actual_end = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    period_start = models.DateField(
        "observation period start", null=True, blank=True, validators=[validate_calendar_date]
    )
    period_end = models.DateField(
        "observation period end", null=True, blank=True, validators=[validate_calendar_date]
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_start", "pk"]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()}, {self.planned_start:%Y-%m-%d})"

    def clean(self):
        errors: dict = {}
        _check_period(errors, self.planned_start, self.planned_end, "planned_end")
        _check_period(errors, self.actual_start, self.actual_end, "actual_end")
        _check_period(errors, self.period_start, self.period_end, "period_end")
        if errors:
            raise ValidationError(errors)


class AuditTask(models.Model):
    """One step on an audit's timeline: a request list, a walkthrough, a response due."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(validators=[validate_calendar_date])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True, validators=[validate_calendar_date])

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return f"{self.title} (due {self.due_date:%Y-%m-%d})"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()
