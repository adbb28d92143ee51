from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from accounts.querysets import OrganizationQuerySet


class Organization(models.Model):
    """A customer of the SaaS product (a tenant), or our own company (`is_internal`)."""

    class Tier(models.TextChoices):
        STARTER = "starter", "Starter"
        PROFESSIONAL = "professional", "Professional"
        ENTERPRISE = "enterprise", "Enterprise"

    class Segment(models.TextChoices):
        PHARMA = "pharma", "Pharmaceuticals"
        BIOTECH = "biotech", "Biotechnology"
        MEDTECH = "medtech", "Medical devices"
        CRO_CDMO = "cro_cdmo", "CRO / CDMO"
        LAB = "lab", "Clinical laboratory"

    class Region(models.TextChoices):
        NORTH_AMERICA = "na", "North America"
        EUROPE = "eu", "Europe"
        UNITED_KINGDOM = "uk", "United Kingdom"
        ASIA_PACIFIC = "apac", "Asia-Pacific"

    class Residency(models.TextChoices):
        US = "us", "United States"
        EU = "eu", "European Union"
        UK = "uk", "United Kingdom"
        ANY = "any", "No restriction"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.STARTER)
    icp_segment = models.CharField("ICP segment", max_length=20, choices=Segment.choices)
    region = models.CharField(max_length=8, choices=Region.choices)
    data_residency = models.CharField(
        max_length=8,
        choices=Residency.choices,
        help_text="Where this tenant's data must be stored and processed.",
    )
    is_internal = models.BooleanField(default=False, help_text="Our own company, whose staff run Custodian.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A named person. Never deleted, only deactivated, so a user id is never reused.

    21 CFR 11.100(a) and 11.300(a): each electronic identity belongs to one individual and is
    not reassigned. Usernames are unique regardless of case.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_ci_unique",
                violation_error_message="Another account already uses this e-mail address.",
            ),
        ]

    def __str__(self):
        # Pages show people by name; the username stays the identifier in logs and file names.
        return self.get_full_name() or self.username

    def delete(self, *args, **kwargs):
        raise UserDeletionForbidden(
            "Users are never deleted: deactivate the account instead, so that its id "
            "stays attached to its records and cannot be reused."
        )


class UserDeletionForbidden(Exception):
    pass
