from django.db import models


class Framework(models.Model):
    """A compliance framework (SOC 2, HIPAA Security Rule, 21 CFR Part 11), by stable URN."""

    urn = models.CharField("URN", max_length=200, unique=True)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=50)
    description = models.TextField(blank=True)
    is_builtin = models.BooleanField(
        default=False, help_text="Loaded from the reference files; cannot be deleted."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} {self.version}"
