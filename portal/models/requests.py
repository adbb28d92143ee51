"""Evidence requests: the auditor's "provided by client" list."""

from django.conf import settings
from django.db import models

from accounts.validators import validate_calendar_date


class EvidenceRequestQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """Staff with the permission: all. Other staff: the tasks assigned to them (control
        owners). Auditors: the requests of engagements they hold a live grant on, read only.
        """
        if not user.is_authenticated:
            return self.none()
        if user.has_perm(f"portal.{action}_evidencerequest"):
            return self
        if user.is_staff:
            return self.filter(assignee=user)
        if action != "view":
            return self.none()
        from portal.models.engagements import Engagement

        return self.filter(engagement__in=Engagement.objects.visible_to(user, "view"))


class EvidenceRequest(models.Model):
    """An auditor asks for evidence on a control; the control owner answers with new evidence."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered, awaiting the auditor"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    engagement = models.ForeignKey("portal.Engagement", on_delete=models.PROTECT, related_name="requests")
    control = models.ForeignKey("governance.Control", on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    due_date = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_requests",
        help_text="The control owner, whose task this is.",
    )  # fmt: skip
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    answer = models.ForeignKey(
        "governance.Evidence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_note = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = EvidenceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        permissions = [("answer_evidencerequest", "Can answer any evidence request")]

    def __str__(self):
        return f"Request #{self.pk} on {self.control_id}: {self.get_status_display()}"
