from django.db import models


class Dashboard(models.Model):
    """A dashboard definition: who it is for and what it shows."""

    class Audience(models.TextChoices):
        EXECUTIVE = "executive", "Executive"
        OPERATIONAL = "operational", "Operational"
        COMPLIANCE = "compliance", "Compliance"
        CUSTOMER = "customer", "Customer"

    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title
