from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from accounts.validators import validate_calendar_date

# FDA's Module 1 specification says sequences should start at 0001; ICH and EU practice is 0000.
FIRST_SEQUENCE_NUMBER = {"us": 1, "eu": 0}


class Application(models.Model):
    """A regulatory application (IND, NDA, 510(k), MAA …) that submissions are filed under."""

    class Type(models.TextChoices):
        IND = "ind", "IND"
        NDA = "nda", "NDA"
        ANDA = "anda", "ANDA"
        BLA = "bla", "BLA"
        K510 = "510k", "510(k)"
        PMA = "pma", "PMA"
        MAA = "maa", "MAA"

    class Region(models.TextChoices):
        US = "us", "United States (FDA)"
        EU = "eu", "European Union (EMA)"

    class Format(models.TextChoices):
        ECTD = "ectd", "eCTD v3.2.2"
        NEES = "nees", "NeeS (non-eCTD electronic submission)"

    application_type = models.CharField(max_length=8, choices=Type.choices)
    region = models.CharField(max_length=4, choices=Region.choices)
    dossier_format = models.CharField(max_length=8, choices=Format.choices, default=Format.ECTD)
    product = models.CharField(max_length=200)
    agency_number = models.CharField(
        max_length=40, blank=True, help_text="The number the agency assigned, once known."
    )
    applicant_id = models.CharField(
        "Applicant DUNS",
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", "A DUNS number has 9 digits (999999999 if none yet).")],
    )
    company_name = models.CharField(max_length=200, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=64, blank=True)
    contact_email = models.EmailField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "agency_number"],
                condition=~models.Q(agency_number=""),
                name="application_agency_number_unique",
            )
        ]

    def __str__(self):
        number = f" {self.agency_number}" if self.agency_number else ""
        return f"{self.get_application_type_display()}{number}: {self.product}"

    def clean(self):
        if self.region == self.Region.US and self.dossier_format == self.Format.NEES:
            raise ValidationError({"dossier_format": "The FDA does not accept NeeS: use eCTD."})

    @property
    def folder_name(self) -> str:
        """The application folder, e.g. `nda123456` (FDA: type + 6-digit number)."""
        digits = "".join(c for c in self.agency_number if c.isdigit())
        return f"{self.application_type}{digits.zfill(6)}" if digits else f"{self.application_type}-{self.pk}"

    @property
    def first_sequence_number(self) -> int:
        return FIRST_SEQUENCE_NUMBER[self.region]


class Sequence(models.Model):
    """One submission sequence (0000/0001 …): a package sent to the agency, then frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        QA_REVIEW = "qa_review", "In QA review"
        SIGNED_OFF = "signed_off", "Signed off"
        SENT = "sent", "Sent"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="sequences")
    number = models.PositiveSmallIntegerField()
    submission_type = models.CharField(max_length=40, help_text="Key in fda-codes.yaml, e.g. 'original'.")
    submission_sub_type = models.CharField(max_length=40, default="application")
    activity_start = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The first sequence of the regulatory activity this one belongs to (empty: itself).",
    )
    description = models.CharField(max_length=128, blank=True)
    template = models.ForeignKey(
        "submissions.SubmissionTemplate", on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    planned_date = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    sent_at = models.DateTimeField(null=True, blank=True)
    gateway_ack_id = models.CharField("Gateway acknowledgement id", max_length=100, blank=True)
    gateway_received_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="sequence_number_unique"),
            models.CheckConstraint(condition=models.Q(number__lte=9999), name="sequence_number_4_digits"),
        ]

    def __str__(self):
        return f"{self.application.folder_name}/{self.label}"

    @property
    def label(self) -> str:
        return f"{self.number:04d}"

    @property
    def is_frozen(self) -> bool:
        """Once sent, a sequence never changes: corrections go in a new sequence."""
        return self.status in (self.Status.SENT, self.Status.ACKNOWLEDGED)
