from django import forms

from governance.models import Control


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    token = forms.RegexField(
        label="Authenticator code", regex=r"^\d{6}$", max_length=6,
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )  # fmt: skip


class EvidenceRequestForm(forms.Form):
    control = forms.ModelChoiceField(queryset=Control.objects.none())
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    due_date = forms.DateField(required=False, help_text="YYYY-MM-DD, optional.")

    def __init__(self, *args, controls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control"].queryset = controls


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
