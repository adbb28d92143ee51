import string

from django.core.exceptions import ValidationError


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
