"""Control tests (design and operating effectiveness) with their samples."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.validators import validate_calendar_date
from governance.querysets import VisibleQuerySet


class ControlTest(models.Model):
    """One test of a control over a period: methodology, population, sample, result, sign-off."""

    class Kind(models.TextChoices):
        DESIGN = "design", "Test of design"
        OPERATING = "operating", "Test of operating effectiveness"

    class Result(models.TextChoices):
        PASS = "pass", "Pass"
        PARTIAL = "partial", "Partial"
        FAIL = "fail", "Fail"

    control = models.ForeignKey("governance.Control", on_delete=models.PROTECT, related_name="tests")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    period_start = models.DateField(validators=[validate_calendar_date])
    period_end = models.DateField(validators=[validate_calendar_date])
    methodology = models.TextField(help_text="Inquiry, observation, inspection, re-performance …")
    population_size = models.PositiveIntegerField(default=0)
    exceptions = models.TextField(blank=True)
    result = models.CharField(max_length=10, choices=Result.choices)
    preparer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["control", "-period_end"]

    def __str__(self):
        return f"{self.control.ref} {self.kind} {self.period_start}-{self.period_end}: {self.result}"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period ends before it starts."})
        if self.reviewer_id and self.reviewer_id == self.preparer_id:
            raise ValidationError({"reviewer": "The reviewer must not be the preparer."})


class ControlTestSample(models.Model):
    """One selected item of a test's sample and what the tester found."""

    test = models.ForeignKey(ControlTest, on_delete=models.CASCADE, related_name="samples")
    item = models.CharField(max_length=200, help_text="The selected item, e.g. a ticket or user id.")
    passed = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["test", "pk"]

    def __str__(self):
        return f"{self.item}: {'pass' if self.passed else 'exception'}"
