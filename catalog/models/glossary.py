from django.conf import settings
from django.db import models

from catalog.querysets import CatalogManager


class GlossaryTerm(models.Model):
    """A business term with a reviewed definition. Only approved terms may be attached to columns.

    Four-eyes: `last_edited_by` is whoever last changed the wording; that person cannot approve.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        DEPRECATED = "deprecated", "Deprecated"

    name = models.CharField(max_length=200, unique=True)
    definition = models.TextField()
    synonyms = models.JSONField(default=list, blank=True)
    related_terms = models.ManyToManyField("self", blank=True, symmetrical=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="If set, only these people may approve; otherwise any holder of the review permission.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_edited_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = CatalogManager()

    class Meta:
        ordering = ["name"]
        permissions = [("review_glossaryterm", "Can approve or deprecate glossary terms")]

    def __str__(self):
        return self.name


class GlossaryTermEvent(models.Model):
    """A regulated fact about a term: created, edited, submitted, approved, deprecated; by whom."""

    term = models.ForeignKey(GlossaryTerm, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    objects = CatalogManager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.term}: {self.action} by {self.actor}"
