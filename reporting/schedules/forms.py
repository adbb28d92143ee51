"""The schedule form of the admin: choices in words, and the service's validation up front."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from reporting.models import ReportSchedule
from reporting.schedules.cadence import WEEKDAYS
from reporting.schedules.services import SCALAR_FIELDS, schedule_validate
from reporting.schedules.sources import schedulable_dashboards


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        where = user.organization.name if user.organization_id else "no organisation"
        return f"{user} ({where})"


class ReportScheduleForm(forms.ModelForm):
    dashboard = forms.ChoiceField(required=False, help_text="Or a dashboard, when no saved report is set.")
    hour = forms.TypedChoiceField(
        coerce=int, choices=[(h, f"{h:02d}:00 UTC") for h in range(24)], initial=7, label="Time of day"
    )
    weekday = forms.TypedChoiceField(
        coerce=int, choices=list(enumerate(WEEKDAYS)), initial=1, help_text="Weekly schedules only."
    )
    day_of_month = forms.TypedChoiceField(
        coerce=int,
        choices=[(d, str(d)) for d in range(1, 29)],
        initial=1,
        help_text="Monthly schedules only.",
    )
    recipient_users = PersonChoiceField(
        queryset=User.objects.filter(is_active=True).exclude(email="").select_related("organization"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        label="Recipients (people)",
    )

    class Meta:
        model = ReportSchedule
        fields = [
            "name", "owner", "report", "dashboard", "organization", "cadence", "hour", "weekday",
            "day_of_month", "recipient_users", "recipient_roles", "recipient_addresses", "active",
        ]  # fmt: skip
        labels = {"recipient_roles": "Recipients (roles: their active members)", "organization": "Customer"}
        help_texts = {
            "organization": "Set for a customer's schedule: it then reads only that customer's rows and "
            "goes only to its people. Leave empty for an internal schedule (our staff only).",
            "recipient_addresses": "One per line; each must be the e-mail of a user who may receive it.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dashboard"].choices = [("", "—"), *schedulable_dashboards()]
        self.fields["owner"].queryset = User.objects.filter(is_active=True, is_staff=True)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        fields = {name: data.get(name) for name in SCALAR_FIELDS}
        fields["dashboard"] = fields["dashboard"] or ""
        try:
            schedule_validate(
                fields=fields,
                recipient_users=data.get("recipient_users") or [],
                recipient_roles=data.get("recipient_roles") or [],
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data
