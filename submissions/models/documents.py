import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from submissions.reference import section_choices

ECTD_NAME = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.[a-z0-9]+$",
    "Use lower-case a-z, 0-9 and hyphens, with one extension (e.g. clinical-overview.pdf).",
)


def _version_path(instance, filename):
    return f"submissions/versions/{instance.sha256[:2]}/{instance.sha256}"


class Document(models.Model):
    """A document of an application's dossier; its content lives in immutable versions."""

    application = models.ForeignKey(
        "submissions.Application", on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(max_length=512, help_text="Leaf title: no CTD section number in it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "title"]

    def __str__(self):
        return self.title


class DocumentVersion(models.Model):
    """One immutable file of a document, with the MD5 eCTD needs and the SHA-256 we trust."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=_version_path, max_length=200)
    file_name = models.CharField(max_length=64, validators=[ECTD_NAME], help_text="Name in the package.")
    size = models.BigIntegerField()
    md5 = models.CharField(max_length=32)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="document_version_unique")
        ]

    def __str__(self):
        return f"{self.document} v{self.version} ({self.file_name})"


def new_leaf_id() -> str:
    # XML IDs may not start with a digit; a letter prefix keeps every UUID valid.
    return "a" + uuid.uuid4().hex


class Leaf(models.Model):
    """A document placed in a CTD location of one sequence, with its lifecycle operation."""

    class Operation(models.TextChoices):
        NEW = "new", "new"
        REPLACE = "replace", "replace"
        APPEND = "append", "append"
        DELETE = "delete", "delete"

    sequence = models.ForeignKey("submissions.Sequence", on_delete=models.PROTECT, related_name="leaves")
    leaf_id = models.CharField(max_length=40, default=new_leaf_id, editable=False)
    section = models.CharField("CTD section", max_length=16, choices=section_choices)
    title = models.CharField(max_length=512)
    operation = models.CharField(max_length=8, choices=Operation.choices, default=Operation.NEW)
    modified_leaf = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="modifications"
    )
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, null=True, blank=True)
    attributes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Keyed sections: substance, manufacturer, product-name, indication.",
    )
    form_type = models.CharField(
        max_length=40, blank=True, help_text="Module 1.1 forms: key in fda-codes.yaml."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "leaves"
        ordering = ["sequence", "section", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "leaf_id"], name="leaf_id_unique_in_sequence"),
            models.CheckConstraint(
                condition=models.Q(operation="new", modified_leaf__isnull=True)
                | (~models.Q(operation="new") & models.Q(modified_leaf__isnull=False)),
                name="leaf_modified_file_iff_not_new",
            ),
            models.CheckConstraint(
                condition=models.Q(operation="delete", version__isnull=True)
                | (~models.Q(operation="delete") & models.Q(version__isnull=False)),
                name="leaf_file_iff_not_delete",
            ),
        ]

    def __str__(self):
        return f"{self.section} {self.title} [{self.operation}]"
