import string
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator

# Dates people enter (periods, due dates, completions) and the durations added to them stay far
# from `date.max`, so that `date + timedelta(days=...)` can never overflow (a 500) and a typo
# such as 9999-12-31 is refused with the field named instead of stored.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
MAX_DURATION_DAYS = 36_500


def validate_calendar_date(value):
    """A date between 1900-01-01 and 2199-12-31."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            "%(value)s is outside the dates this system accepts (%(first)s to %(last)s).",
            code="date_out_of_range",
            params={"value": value, "first": EARLIEST_DATE, "last": LATEST_DATE},
        )


def validate_calendar_datetime(value):
    """A moment whose date lies between 1900-01-01 and 2199-12-31 (UTC)."""
    if value is not None:
        validate_calendar_date(value.date())


validate_duration_days = MaxValueValidator(
    MAX_DURATION_DAYS, message="A duration may be at most %(limit_value)s days (100 years)."
)


class CharacterClassValidator:
    """Require characters from at least `min_classes` of: lower, upper, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or c.isspace() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                "The password must mix at least %(n)d of: lower-case letters, upper-case "
                "letters, digits, symbols.",
                code="password_too_uniform",
                params={"n": self.min_classes},
            )

    def get_help_text(self):
        return (
            f"Your password must mix at least {self.min_classes} of: lower-case letters, "
            "upper-case letters, digits, symbols."
        )
