from django.db import models

from submissions.reference import section_choices


class SubmissionTemplate(models.Model):
    """What a sequence of one pathway and submission type is expected to contain."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    region = models.CharField(max_length=4, choices=[("us", "United States"), ("eu", "European Union")])
    application_types = models.JSONField(default=list)
    submission_type = models.CharField(max_length=40)
    submission_sub_type = models.CharField(max_length=40)
    checklist = models.JSONField(default=list, blank=True)
    is_builtin = models.BooleanField(default=False)

    class Meta:
        ordering = ["region", "name"]

    def __str__(self):
        return self.name


class TemplateItem(models.Model):
    """One expected document: its CTD location, whether it is required, and the form if any."""

    template = models.ForeignKey(SubmissionTemplate, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=16, choices=section_choices)
    title = models.CharField(max_length=200)
    form_type = models.CharField(max_length=40, blank=True)
    required = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template", "order"]

    def __str__(self):
        return f"{self.section} {self.title}"
