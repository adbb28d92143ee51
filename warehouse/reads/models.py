"""Who may read which warehouse tables, how columns above their clearance are masked, and the
append-only log of every read."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from catalog.models import Dataset
from warehouse.reads.masking import HASH, NULL, PARTIAL


class MaskingMethod(models.TextChoices):
    HASH = HASH, "Keyed hash (joins still work)"
    PARTIAL = PARTIAL, "Partially shown (last four characters)"
    NULL = NULL, "Nulled"


class LevelMasking(models.Model):
    """How columns of one classification level are masked for readers not cleared for it."""

    classification = models.OneToOneField(
        "catalog.Classification", on_delete=models.PROTECT, related_name="warehouse_masking"
    )
    method = models.CharField(max_length=10, choices=MaskingMethod.choices)

    class Meta:
        ordering = ["classification__level"]
        verbose_name = "masking per level"
        verbose_name_plural = "masking per level"

    def __str__(self):
        return f"{self.classification.code}: {self.get_method_display()}"


class AccessPolicy(models.Model):
    """One version of a role's access to a layer or a dataset of the warehouse.

    A change is a new version in `proposed` state; it becomes `active` (and retires the version it
    supersedes) when someone other than its proposer approves it, and needs a second, different
    approver when it lets the role read L4 columns in clear.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Awaiting approval"
        ACTIVE = "active", "Active"
        REJECTED = "rejected", "Rejected"
        RETIRED = "retired", "Retired"

    class RowFilter(models.TextChoices):
        NONE = "none", "All rows"
        OWN_ORGANIZATION = "own_organization", "Rows of the reader's own organisation"

    role = models.ForeignKey("auth.Group", on_delete=models.PROTECT, related_name="warehouse_policies")
    layer = models.CharField(
        max_length=20, choices=Dataset.Layer.choices, blank=True, help_text="Empty: every layer."
    )
    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.PROTECT, null=True, blank=True, related_name="access_policies",
        help_text="One dataset only; empty: every dataset of the layer.",
    )  # fmt: skip
    clearance = models.ForeignKey(
        "catalog.Classification", on_delete=models.PROTECT, related_name="+",
        help_text="The highest level read in clear; columns above it are masked as their level says.",
    )  # fmt: skip
    row_filter = models.CharField(max_length=20, choices=RowFilter.choices, default=RowFilter.NONE)
    requires_grant = models.BooleanField(
        default=False,
        help_text="Applies only to datasets the reader holds a live access grant on (auditors).",
    )
    reason = models.TextField(help_text="Why the role needs this access.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    decided_note = models.TextField(blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role__name", "layer", "dataset__name", "-version"]
        verbose_name_plural = "access policies"
        permissions = [("approve_accesspolicy", "Can approve warehouse access policies")]

    def __str__(self):
        scope = self.get_layer_display() if self.layer else "every layer"
        scope = self.dataset.name if self.dataset_id else scope
        return f"{self.role.name}: {scope} (v{self.version})"


class TenantKey(models.Model):
    """The warehouse's tenant id of an organisation: the key of the own-organisation row filter."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.PROTECT, related_name="warehouse_tenant"
    )
    tenant_id = models.BigIntegerField(unique=True)

    class Meta:
        ordering = ["organization__name"]

    def __str__(self):
        return f"{self.organization} = tenant {self.tenant_id}"


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AccessLogImmutable("The warehouse access log is append-only.")

    def delete(self):
        raise AccessLogImmutable("The warehouse access log is append-only.")


class AccessLogImmutable(Exception):
    pass


class AccessLog(models.Model):
    """One read of warehouse data, allowed or denied. Append-only."""

    class Purpose(models.TextChoices):
        DASHBOARD = "dashboard", "Dashboard"
        REPORT = "report", "Report"
        EXPORT = "export", "Export"
        API = "api", "API"
        PREVIEW = "preview", "Admin preview"
        CUSTOMER_PORTAL = "customer_portal", "Customer portal"
        AUDIT = "audit", "Audit"
        DATA_QUALITY = "data_quality", "Data quality"

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"
        FAILED = "failed", "Failed in the engine"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    roles = models.JSONField(default=list, help_text="The reader's roles at the time of the read.")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, db_index=True)
    message = models.TextField(blank=True, help_text="Why a read was denied or failed.")
    datasets = models.JSONField(default=list, help_text="Engine table names read.")
    columns = models.JSONField(
        default=list, help_text='Columns touched: [{"table", "column", "level", "masked"}].'
    )
    masked_columns = models.JSONField(default=list, help_text="`table.column` names masked in this read.")
    row_filter = models.CharField(max_length=20, blank=True)
    row_count = models.BigIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    engine = models.CharField(max_length=20, blank=True)
    query_digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the SQL that ran.")
    request_id = models.CharField(max_length=64, blank=True, help_text="The HTTP request it served.")
    job = models.CharField(max_length=200, blank=True, help_text="The report, export or task it served.")

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        what = ", ".join(self.datasets)
        return f"{self.user} {self.get_outcome_display().lower()} {what} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AccessLogImmutable("The warehouse access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogImmutable("The warehouse access log is append-only.")


class PhiColumnDailyAccess(models.Model):
    """Reads of one PHI column by one user on one day: the counts the HIPAA reports use."""

    day = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    column = models.ForeignKey("catalog.Column", on_delete=models.PROTECT, related_name="+")
    reads = models.PositiveIntegerField(default=0)
    reads_in_clear = models.PositiveIntegerField(default=0)
    rows = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-day", "user", "column"]
        constraints = [
            models.UniqueConstraint(fields=["day", "user", "column"], name="phi_daily_access_once")
        ]
        verbose_name_plural = "PHI column daily access"

    def __str__(self):
        return f"{self.user} read {self.column} {self.reads}x on {self.day}"


class AccessLogDigest(models.Model):
    """A day's access log sealed: SHA-256 chained over its rows and the previous day's digest."""

    day = models.DateField(unique=True)
    rows = models.PositiveIntegerField()
    first_id = models.BigIntegerField(null=True, blank=True)
    last_id = models.BigIntegerField(null=True, blank=True)
    previous_digest = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self):
        return f"Access log {self.day}: {self.rows} reads, {self.digest[:12]}…"
