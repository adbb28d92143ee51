from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from accounts.validators import validate_calendar_date
from governance.querysets import VisibleQuerySet


class CorrespondenceQuerySet(VisibleQuerySet):
    def open(self):
        return self.exclude(status=Correspondence.Status.SENT)

    def overdue(self, today: date):
        return self.open().filter(due_on__lt=today)

    def due_between(self, start: date, end: date):
        return self.open().filter(due_on__gte=start, due_on__lte=end)


class Correspondence(models.Model):
    """Something an agency sent that needs an answer by a date: the response clock runs."""

    class Kind(models.TextChoices):
        FDA_IR = "fda_ir", "FDA information request"
        FDA_CRL = "fda_crl", "FDA complete response letter"
        FDA_483 = "fda_483", "FDA Form 483 observation"
        EMA_D120 = "ema_d120", "EMA day-120 list of questions"
        EMA_RSI = "ema_rsi", "EMA request for supplementary information"
        OTHER = "other", "Other agency letter"

    class DueBasis(models.TextChoices):
        STATUTORY = "statutory", "Statutory"
        NEGOTIATED = "negotiated", "Negotiated"

    class Status(models.TextChoices):
        DRAFT = "draft", "Response in draft"
        REVIEW = "review", "Response in review"
        SIGNED = "signed", "Response signed"
        SENT = "sent", "Response sent"

    application = models.ForeignKey(
        "submissions.Application", on_delete=models.PROTECT, related_name="correspondence"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reference = models.CharField(max_length=100, blank=True, help_text="The agency's own reference.")
    subject = models.CharField(max_length=300)
    received_on = models.DateField(validators=[validate_calendar_date])
    due_on = models.DateField(validators=[validate_calendar_date])
    due_basis = models.CharField(max_length=12, choices=DueBasis.choices, default=DueBasis.STATUTORY)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    response_sequence = models.ForeignKey(
        "submissions.Sequence", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_on = models.DateField(null=True, blank=True, validators=[validate_calendar_date])

    objects = CorrespondenceQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name_plural = "correspondence"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("received_on")), name="due_after_received"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"


class CorrespondenceLink(models.Model):
    """A record the response relies on: a CAPA, a finding, a piece of evidence, a document."""

    correspondence = models.ForeignKey(Correspondence, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["correspondence", "content_type", "object_id"], name="correspondence_link_unique"
            )
        ]

    def __str__(self):
        return f"{self.correspondence} relies on {self.content_type.name} #{self.object_id}"


class CorrespondenceReminder(models.Model):
    """A reminder that went out, so the daily task sends each kind once (idempotent)."""

    class Kind(models.TextChoices):
        DUE_IN_7 = "due_7d", "Due in 7 days"
        DUE_IN_1 = "due_1d", "Due tomorrow"
        OVERDUE = "overdue", "Overdue"

    correspondence = models.ForeignKey(Correspondence, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["correspondence", "kind"], name="reminder_once")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.correspondence}"
