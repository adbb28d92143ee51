"""Our controls and the criteria they satisfy (one control, many frameworks)."""

from django.conf import settings
from django.db import models

from governance.querysets import VisibleQuerySet


class Control(models.Model):
    """A control we operate, e.g. 'Quarterly user access review'."""

    class Frequency(models.TextChoices):
        CONTINUOUS = "continuous", "Continuous"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annual"

    class Automation(models.TextChoices):
        AUTOMATED = "automated", "Automated"
        MANUAL = "manual", "Manual"

    ref = models.CharField("reference", max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Empty: a company-wide control that counts for every organisation.",
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    automation = models.CharField(max_length=20, choices=Automation.choices, default=Automation.MANUAL)
    is_active = models.BooleanField(default=True)
    criteria = models.ManyToManyField(
        "governance.Criterion", through="ControlMapping", related_name="controls"
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["ref"]

    def __str__(self):
        return f"{self.ref} {self.name}"


class ControlMapping(models.Model):
    """The claim that `control` (partly) satisfies `criterion`."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="mappings")
    criterion = models.ForeignKey("governance.Criterion", on_delete=models.PROTECT, related_name="mappings")
    note = models.CharField(max_length=300, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["control", "criterion"], name="control_mapping_unique")
        ]

    def __str__(self):
        return f"{self.control.ref} → {self.criterion.ref}"
