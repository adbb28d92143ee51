"""Evidence that a control operated, with the period it covers and its integrity state."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.validators import validate_calendar_date, validate_duration_days
from governance.querysets import VisibleQuerySet

# Once accepted, these never change: a correction is a new version.
FROZEN_FIELDS = (
    "control_id", "kind", "title", "file", "sha256", "size", "url",
    "effective_from", "effective_to", "valid_until", "version",
)  # fmt: skip


class Evidence(models.Model):
    """A file, link or generated export showing a control at work over a period.

    `effective_from`/`effective_to` is the period the evidence covers (not its upload date);
    it stays valid until `valid_until` (effective_to + the validity rule, e.g. 90 days for a
    quarterly access review).
    """

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"
        EXPORT = "export", "Generated export"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACCEPTED = "accepted", "Accepted"
        SUPERSEDED = "superseded", "Superseded"

    class Integrity(models.TextChoices):
        UNCHECKED = "unchecked", "Not yet re-checked"
        OK = "ok", "Hash matches"
        MISMATCH = "mismatch", "Hash mismatch"
        MISSING = "missing", "File missing"

    control = models.ForeignKey("governance.Control", on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="evidence/", max_length=300, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(max_length=500, blank=True)
    effective_from = models.DateField(validators=[validate_calendar_date])
    effective_to = models.DateField(validators=[validate_calendar_date])
    validity_days = models.PositiveIntegerField(
        default=0, help_text="Days it stays valid after the period.", validators=[validate_duration_days]
    )
    valid_until = models.DateField()
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    collected_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    integrity = models.CharField(max_length=10, choices=Integrity.choices, default=Integrity.UNCHECKED)
    integrity_checked_at = models.DateTimeField(null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["control", "-effective_to"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["status", "valid_until"])]

    def __str__(self):
        return f"{self.title} v{self.version} ({self.effective_from} - {self.effective_to})"

    def save(self, *args, **kwargs):
        if self.pk:
            self._refuse_changes_once_accepted()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != self.Status.DRAFT:
            raise ValidationError("Accepted evidence is kept: supersede it with a new version instead.")
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": "The period ends before it starts."})
        if self.kind == self.Kind.LINK and not self.url:
            raise ValidationError({"url": "A link needs its URL."})
        if self.kind != self.Kind.LINK and not self.sha256:
            raise ValidationError({"file": "A file or export needs its stored file and hash."})

    def _refuse_changes_once_accepted(self):
        stored = Evidence.objects.filter(pk=self.pk).values(*FROZEN_FIELDS, "status").first()
        if stored is None or stored["status"] == self.Status.DRAFT:
            return
        changed = [f for f in FROZEN_FIELDS if stored[f] != self._current(f)]
        if changed:
            raise ValidationError(f"Accepted evidence is immutable (tried to change {', '.join(changed)}).")

    def _current(self, field):
        value = getattr(self, field)
        return (value.name or "") if field == "file" else value


class EvidenceEvent(models.Model):
    """A regulated fact about one evidence item: uploaded, accepted, superseded, integrity checks."""

    class Kind(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        ACCEPTED = "accepted", "Accepted"
        SUPERSEDED = "superseded", "Superseded by a new version"
        INTEGRITY_OK = "integrity_ok", "Re-hash matched"
        MISMATCH = "mismatch", "Re-hash mismatch"
        MISSING = "missing", "File missing"

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    detail = models.CharField(max_length=500, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.evidence_id}"
