from django.db import models


class Application(models.Model):
    """A regulatory application (IND, NDA, 510(k), MAA …) that submissions are filed under."""

    class Type(models.TextChoices):
        IND = "ind", "IND"
        NDA = "nda", "NDA"
        ANDA = "anda", "ANDA"
        BLA = "bla", "BLA"
        K510 = "510k", "510(k)"
        PMA = "pma", "PMA"
        MAA = "maa", "MAA"

    class Region(models.TextChoices):
        US = "us", "United States (FDA)"
        EU = "eu", "European Union (EMA)"

    application_type = models.CharField(max_length=8, choices=Type.choices)
    region = models.CharField(max_length=4, choices=Region.choices)
    product = models.CharField(max_length=200)
    agency_number = models.CharField(
        max_length=40, blank=True, help_text="The number the agency assigned, once known."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "agency_number"],
                condition=~models.Q(agency_number=""),
                name="application_agency_number_unique",
            )
        ]

    def __str__(self):
        number = f" {self.agency_number}" if self.agency_number else ""
        return f"{self.get_application_type_display()}{number}: {self.product}"
