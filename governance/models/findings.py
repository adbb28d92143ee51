"""Findings from audits, inspections, self-assessment and customer complaints."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.validators import validate_calendar_date
from governance.querysets import VisibleQuerySet


class Finding(models.Model):
    """A gap found in our controls, with its severity, owner, due date and remediation status.

    Linked to the criteria and controls it concerns: a finding past its due date lowers the
    readiness score of every framework those criteria and controls belong to.
    """

    class Severity(models.TextChoices):
        CRITICAL = "critical", "Critical"
        MAJOR = "major", "Major"
        MINOR = "minor", "Minor"
        OBSERVATION = "observation", "Observation"

    class Source(models.TextChoices):
        AUDIT = "audit", "Audit"
        INSPECTION = "inspection", "Inspection (e.g. FDA 483 observation)"
        SELF_IDENTIFIED = "self", "Self-identified"
        COMPLAINT = "complaint", "Customer complaint"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REMEDIATION = "remediation", "In remediation"
        CLOSED = "closed", "Closed"

    ref = models.CharField("reference", max_length=40, unique=True, help_text="e.g. F-2026-014")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=12, choices=Severity.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    source_reference = models.CharField(
        max_length=120, blank=True, help_text="e.g. 'FDA 483 observation 3', a complaint number."
    )
    audit = models.ForeignKey(
        "governance.Audit", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT,
        help_text="Empty: company-wide, counts against every organisation's score.",
    )  # fmt: skip
    criteria = models.ManyToManyField("governance.Criterion", blank=True, related_name="findings")
    controls = models.ManyToManyField("governance.Control", blank=True, related_name="findings")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    identified_on = models.DateField(default=timezone.localdate, validators=[validate_calendar_date])
    due_date = models.DateField(validators=[validate_calendar_date])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    flagged_overdue_on = models.DateField(
        null=True, blank=True, editable=False, help_text="Set once by the daily task."
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "ref"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.ref} {self.title} ({self.get_severity_display().lower()})"

    def clean(self):
        if self.source == self.Source.AUDIT and not self.audit_id:
            raise ValidationError({"audit": "A finding from an audit names the audit."})

    def is_open_on(self, day) -> bool:
        return self.closed_on is None or self.closed_on > day

    @property
    def is_overdue(self) -> bool:
        today = timezone.localdate()
        return self.is_open_on(today) and self.due_date < today
