from django.conf import settings
from django.db import models


class SubmissionEvent(models.Model):
    """A regulated fact about a sequence (built, sent, acknowledged …), written by the service."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATUS = "status", "Status changed"
        SIGNED_OFF = "signed_off", "Signed off (electronic signature)"
        BUILT = "built", "Package built"
        ACKNOWLEDGED = "acknowledged", "Gateway acknowledgement"

    sequence = models.ForeignKey("submissions.Sequence", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    detail = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.sequence} {self.get_kind_display()}"
