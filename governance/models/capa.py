"""Corrective and preventive actions (CAPA) with their effectiveness checks and events."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.validators import validate_calendar_date, validate_duration_days
from governance.querysets import VisibleQuerySet


class Capa(models.Model):
    """A CAPA: containment, root cause, corrective and preventive actions, then a check.

    Lifecycle: open (actions under way) → verifying (every action done; an effectiveness check
    is scheduled `effectiveness_days` after the last one closed) → closed, by an approval
    signature (21 CFR 11.200) given only when no action is open and the latest check passed and
    carries a valid approval. A failed check sends it back to open for further actions.
    """

    class Source(models.TextChoices):
        FINDING = "finding", "Finding"
        DEVIATION = "deviation", "Deviation"
        COMPLAINT = "complaint", "Complaint"
        AGENCY = "agency", "Agency observation"

    class RootCauseMethod(models.TextChoices):
        FIVE_WHYS = "five_whys", "5 whys"
        FISHBONE = "fishbone", "Fishbone (Ishikawa)"
        FAULT_TREE = "fault_tree", "Fault tree"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open: actions under way"
        VERIFYING = "verifying", "Verifying effectiveness"
        CLOSED = "closed", "Closed"

    ref = models.CharField("reference", max_length=40, unique=True, help_text="e.g. CAPA-2026-007")
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=12, choices=Source.choices)
    finding = models.ForeignKey(
        "governance.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="capas"
    )
    source_reference = models.CharField(
        max_length=120, blank=True, help_text="Complaint or agency reference."
    )
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(default=timezone.localdate, validators=[validate_calendar_date])
    due_date = models.DateField(help_text="Target date for closure.", validators=[validate_calendar_date])
    containment = models.TextField(blank=True, help_text="Immediate action taken to contain the problem.")
    root_cause_method = models.CharField(max_length=12, choices=RootCauseMethod.choices, blank=True)
    root_cause = models.TextField(blank=True)
    effectiveness_days = models.PositiveIntegerField(
        default=90,
        help_text="The effectiveness check is due this many days after the last action closes.",
        validators=[validate_duration_days],
    )
    actions_closed_on = models.DateField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, editable=False)
    closed_on = models.DateField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        editable=False,
    )  # fmt: skip
    # Counted so that a CAPA closed again after a reopening is a new version to sign.
    times_reopened = models.PositiveIntegerField(default=0, editable=False)
    flagged_overdue_on = models.DateField(null=True, blank=True, editable=False)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "ref"]
        verbose_name = "CAPA"
        verbose_name_plural = "CAPAs"
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def clean(self):
        if self.source == self.Source.FINDING and not self.finding_id:
            raise ValidationError({"finding": "A CAPA from a finding names the finding."})
        if self.root_cause and not self.root_cause_method:
            raise ValidationError({"root_cause_method": "Say which method found the root cause."})

    def is_open_on(self, day) -> bool:
        return self.closed_on is None or self.closed_on > day

    @property
    def is_overdue(self) -> bool:
        today = timezone.localdate()
        return self.is_open_on(today) and self.due_date < today


class CapaAction(models.Model):
    """A corrective or preventive action with its owner and due date."""

    class Kind(models.TextChoices):
        CORRECTIVE = "corrective", "Corrective"
        PREVENTIVE = "preventive", "Preventive"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    capa = models.ForeignKey(Capa, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(validators=[validate_calendar_date])
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True, validators=[validate_calendar_date])

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["capa", "due_date", "pk"]
        verbose_name = "CAPA action"

    def __str__(self):
        return f"{self.capa.ref} {self.get_kind_display().lower()}: {self.description[:60]}"

    def clean(self):
        if self.status == self.Status.DONE and not self.completed_on:
            raise ValidationError({"completed_on": "A done action says when it was completed."})
        if self.status == self.Status.OPEN and self.completed_on:
            raise ValidationError({"completed_on": "An open action has no completion date."})


class EffectivenessCheck(models.Model):
    """The check, N days after the actions closed, that the problem did not come back.

    The result counts for closure only while it carries a valid approval signature: editing
    the check after it was approved voids that signature.
    """

    class Result(models.TextChoices):
        PENDING = "pending", "Pending"
        PASSED = "passed", "Effective"
        FAILED = "failed", "Not effective"

    capa = models.ForeignKey(Capa, on_delete=models.PROTECT, related_name="checks")
    due_date = models.DateField(validators=[validate_calendar_date])
    plan = models.TextField(blank=True, help_text="What will show the actions worked.")
    evidence = models.TextField(blank=True, help_text="What was examined, with references.")
    evidence_link = models.URLField(max_length=500, blank=True)
    result = models.CharField(max_length=8, choices=Result.choices, default=Result.PENDING)
    performed_on = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["capa", "-due_date", "-pk"]

    def __str__(self):
        return (
            f"{self.capa.ref} effectiveness check due {self.due_date:%Y-%m-%d}: {self.get_result_display()}"
        )

    @property
    def is_overdue(self) -> bool:
        return self.result == self.Result.PENDING and self.due_date < timezone.localdate()


class CapaEvent(models.Model):
    """A regulated fact about a CAPA: opened, action done, check scheduled, closed, reopened…"""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        ACTION_DONE = "action_done", "Action completed"
        CHECK_SCHEDULED = "check_scheduled", "Effectiveness check scheduled"
        CHECK_RECORDED = "check_recorded", "Effectiveness check recorded"
        CLOSED = "closed", "Closed with an approval signature"
        REOPENED = "reopened", "Reopened"
        OVERDUE = "overdue", "Flagged overdue"

    capa = models.ForeignKey(Capa, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    detail = models.CharField(max_length=500, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "CAPA event"

    def __str__(self):
        return f"{self.capa_id}: {self.get_kind_display()}"
