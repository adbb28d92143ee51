"""The audit trail: django-auditlog's log entry, swapped for one that is hash-chained and append-only.

`AUDITLOG_LOGENTRY_MODEL = "accounts.AuditEntry"` makes auditlog write its field history here;
logins, signatures and exports are written here too (`accounts.audit.audit_event_record`).
See docs/audit-trail.md for why the chain lives in the entry itself.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models, transaction

GENESIS_HASH = "0" * 64


class AuditTrailImmutable(Exception):
    """Raised on any attempt to change or delete an audit entry through the application."""


class ReasonForChangeRequired(ValueError):
    """A GxP record was changed or deleted without a reason for the change."""


class AuditEntryQuerySet(models.QuerySet):
    """Reads only: bulk writes would bypass the chain, bulk changes would break it."""

    def update(self, **kwargs):
        raise AuditTrailImmutable("Audit entries cannot be changed.")

    def delete(self):
        raise AuditTrailImmutable("Audit entries cannot be deleted.")

    def bulk_create(self, *args, **kwargs):
        raise AuditTrailImmutable("Audit entries are written one by one, each chained to the last.")

    def bulk_update(self, *args, **kwargs):
        raise AuditTrailImmutable("Audit entries cannot be changed.")


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    pass


class AuditEntry(AbstractLogEntry):
    """One entry of the append-only, hash-chained audit trail (21 CFR 11.10(e)).

    auditlog's fields (actor, time, action, object, field-level changes) plus the chain position
    `seq`, the previous entry's hash and this entry's hash over a canonical serialisation of its
    content (accounts.chain), and the reason for change. Actions beyond create/update/delete/
    access record logins, signatures and exports.
    """

    class Action(AbstractLogEntry.Action):
        LOGIN = 10
        LOGOUT = 11
        LOGIN_FAILED = 12
        LOCKED_OUT = 13
        SIGN = 20
        SIGN_FAILED = 21
        EXPORT = 30

        choices = (
            *AbstractLogEntry.Action.choices,
            (LOGIN, "login"),
            (LOGOUT, "logout"),
            (LOGIN_FAILED, "failed login"),
            (LOCKED_OUT, "locked out"),
            (SIGN, "signature"),
            (SIGN_FAILED, "failed signature"),
            (EXPORT, "export"),
        )

    action = models.PositiveSmallIntegerField(choices=Action.choices, db_index=True)
    # PROTECT, not auditlog's CASCADE / SET NULL: deleting a content type or a user must never
    # delete or rewrite trail entries.
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name="object type"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField(unique=True, editable=False, help_text="Position in the chain.")
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, unique=True, editable=False)
    reason = models.TextField(blank=True, help_text="Reason for change (required for GxP records).")

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        ordering = ["-seq"]
        verbose_name = "audit trail entry"
        verbose_name_plural = "audit trail"
        permissions = [("export_auditentry", "Can export audit trail extracts")]
        indexes = [models.Index(fields=["actor", "timestamp"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailImmutable("Audit entries cannot be changed.")
        from accounts.audit import check_reason_for_change, current_reason

        self.reason = self.reason or current_reason()
        check_reason_for_change(self)
        kwargs["force_insert"] = True
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)

    def _save_table(self, raw=False, cls=None, force_insert=False, force_update=False, using=None, *a, **kw):
        # Sealed here, after pre_save, because auditlog fills the actor in a pre_save receiver.
        if not raw:
            from accounts.chain import chain_append

            chain_append(self, using=using)
        return super()._save_table(raw, cls, force_insert, force_update, using, *a, **kw)

    def delete(self, *args, **kwargs):
        raise AuditTrailImmutable("Audit entries cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row holding the chain's last position and hash.

    Writers lock it (`select_for_update`) so two transactions cannot both extend the same entry;
    verification also compares it with the last entry, so deleting the newest entries shows.
    """

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "audit chain head"

    def __str__(self):
        return f"audit chain head at #{self.seq}"
