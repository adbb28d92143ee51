"""Frameworks and their criteria: reference data loaded from versioned YAML files by URN."""

from django.core.exceptions import ValidationError
from django.db import models

from governance.querysets import VisibleQuerySet


class BuiltinProtectedQuerySet(VisibleQuerySet):
    """Bulk deletes refuse built-in rows too, not only `Model.delete()`."""

    def delete(self):
        if self.filter(is_builtin=True).exists():
            raise ValidationError("Built-in reference data cannot be deleted.")
        return super().delete()


class BuiltinProtected(models.Model):
    """Rows loaded from the reference files: never deleted, identifiers never edited."""

    is_builtin = models.BooleanField(
        default=False, help_text="Loaded from the reference files; cannot be deleted."
    )

    objects = BuiltinProtectedQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        if self.is_builtin:
            raise ValidationError(f"{self} is built-in reference data and cannot be deleted.")
        return super().delete(*args, **kwargs)


class Framework(BuiltinProtected):
    """A compliance framework (SOC 2, HIPAA Security Rule, 21 CFR Part 11), by stable URN."""

    urn = models.CharField("URN", max_length=200, unique=True)
    # Optional but unique: NULLs never collide, empty strings would.
    slug = models.SlugField(max_length=50, unique=True, null=True, help_text="Short name, e.g. soc2.")  # noqa: DJ001
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=50)
    description = models.TextField(blank=True)
    file_version = models.PositiveIntegerField(default=0, help_text="Version of the loaded file.")

    # Fields a person may change on a built-in framework; the loader owns everything else.
    EDITABLE_WHEN_BUILTIN = ("name", "description")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} {self.version}"


class Criterion(BuiltinProtected):
    """One requirement of a framework (SOC 2 CC6.1, HIPAA 164.312(b), Part 11 11.10(e)).

    `is_assessable` is false for groupings (a HIPAA standard whose implementation
    specifications are scored instead). `is_applicable` and `weight` are ours to set.
    """

    class Kind(models.TextChoices):
        CRITERION = "criterion", "Criterion"
        STANDARD = "standard", "Standard"
        REQUIRED = "required", "Required specification"
        ADDRESSABLE = "addressable", "Addressable specification"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="criteria")
    urn = models.CharField("URN", max_length=250, unique=True)
    ref = models.CharField("reference", max_length=50)
    title = models.CharField(max_length=300)
    group = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CRITERION)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    position = models.PositiveIntegerField(default=0)
    is_assessable = models.BooleanField(default=True)
    is_retired = models.BooleanField(default=False, help_text="No longer in the current file.")
    is_applicable = models.BooleanField(default=True)
    applicability_note = models.TextField(blank=True, help_text="Why the criterion is not applicable.")
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=1)

    EDITABLE_WHEN_BUILTIN = ("is_applicable", "applicability_note", "weight")

    class Meta:
        ordering = ["framework", "position"]
        verbose_name_plural = "criteria"
        constraints = [models.UniqueConstraint(fields=["framework", "ref"], name="criterion_ref_unique")]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def clean(self):
        if not self.is_applicable and not self.applicability_note.strip():
            raise ValidationError({"applicability_note": "Say why the criterion does not apply."})
