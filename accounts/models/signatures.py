"""Part 11 electronic signatures: one generic model that can sign any record."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models

from accounts.models.trail import AuditTrailImmutable


class Signature(models.Model):
    """An electronic signature on one exact version of a record (21 CFR 11.50, 11.70, 11.200).

    Shows the signer's printed name, the UTC date and time and the meaning (11.50). It is bound to
    the SHA-256 of the record's canonical serialisation at signing (`record_hash`, 11.70), so a
    later change of the record voids it (`accounts.signatures.signature_status`); `seal` is a
    hash over the signature's own fields, so editing or re-pointing a signature row voids it too.
    Signatures are never changed or deleted.
    """

    class Meaning(models.TextChoices):
        AUTHORSHIP = "authorship", "Authorship (I wrote this)"
        REVIEW = "review", "Review (I reviewed this)"
        APPROVAL = "approval", "Approval (I approve this)"

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name="record type"
    )
    object_pk = models.CharField("record id", max_length=64, db_index=True)
    record = GenericForeignKey("content_type", "object_pk")
    record_repr = models.CharField("record", max_length=300)
    record_hash = models.CharField(max_length=64, help_text="SHA-256 of the record version signed.")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures")
    printed_name = models.CharField(max_length=300)
    meaning = models.CharField(max_length=16, choices=Meaning.choices)
    signed_at = models.DateTimeField(help_text="UTC.")
    comment = models.TextField(blank=True)
    seal = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_pk"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_pk", "record_hash", "signer", "meaning"],
                name="signature_once_per_version_signer_meaning",
                violation_error_message="This person already signed this version with this meaning.",
            )
        ]

    def __str__(self):
        return (
            f"{self.printed_name} — {self.get_meaning_display().split(' (')[0]} — "
            f"{self.signed_at:%Y-%m-%d %H:%M:%S} UTC"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailImmutable("Signatures cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailImmutable("Signatures cannot be removed.")
