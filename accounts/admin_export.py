"""The admin page where a compliance officer downloads an audit trail extract."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.extracts import ACTIONS, AuditFilter, ExtractFilterError, audit_export


class ExtractForm(forms.Form):
    date_from = forms.DateField(required=False, help_text="YYYY-MM-DD, UTC, inclusive.")
    date_to = forms.DateField(required=False, help_text="YYYY-MM-DD, UTC, inclusive.")
    user = forms.CharField(required=False, help_text="Username of the actor.")
    action = forms.ChoiceField(required=False, choices=[("", "any")] + [(a, a) for a in ACTIONS])
    object_type = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = ContentType.objects.order_by("app_label", "model")
        self.fields["object_type"].choices = [("", "any")] + [
            (f"{ct.app_label}.{ct.model}", f"{ct.app_label} · {ct.name}") for ct in types
        ]


def extract_view(model_admin, request):
    if not request.user.has_perm("accounts.export_auditentry"):
        raise PermissionDenied
    form = ExtractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lines = audit_export(flt=AuditFilter(**form.cleaned_data), actor=request.user)
        except ExtractFilterError as exc:
            form.add_error(None, str(exc))
        else:
            response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
            name = f"audit-trail-{timezone.now():%Y%m%dT%H%M%SZ}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    context = {
        **model_admin.admin_site.each_context(request),
        "form": form,
        "opts": model_admin.model._meta,
        "title": "Audit trail extract",
    }
    return TemplateResponse(request, "admin/accounts/auditentry/extract.html", context)
