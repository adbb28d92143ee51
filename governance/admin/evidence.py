from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_filters import PersonListFilter
from accounts.admin_trail import ReadOnlyAdmin
from governance.admin.base import NavigationLookupsMixin
from governance.models import Evidence, EvidenceEvent
from governance.services.evidence import (
    evidence_accept,
    evidence_correct,
    evidence_file_check,
    evidence_rehash,
    evidence_upload,
)


class EvidenceUploadForm(forms.ModelForm):
    """The upload form. On a valid submission it calls the service, so that every refusal
    (size, type, declared hash, period) comes back as a form error and nothing is half-written."""

    url = forms.URLField(required=False, assume_scheme="https", max_length=500)
    upload = forms.FileField(required=False, help_text="The evidence file (size and type are limited).")
    declared_sha256 = forms.CharField(
        required=False, max_length=64, label="Declared SHA-256", help_text="Optional: refused if it differs."
    )
    corrects = forms.ModelChoiceField(
        queryset=Evidence.objects.filter(status=Evidence.Status.ACCEPTED),
        required=False,
        widget=forms.NumberInput,
        help_text="Id of the accepted evidence this upload corrects: it becomes the next version.",
    )

    class Meta:
        model = Evidence
        fields = ["control", "title", "kind", "url", "effective_from", "effective_to", "validity_days"]

    def _post_clean(self):
        # The form's own instance is never saved: the service builds, validates and saves the real one.
        pass

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload is not None:
            evidence_file_check(name=upload.name, size=upload.size)
        if self.errors:
            return data
        fields = dict(
            control=data["control"], title=data["title"], kind=data["kind"], url=data.get("url", ""),
            effective_from=data["effective_from"], effective_to=data["effective_to"],
            validity_days=data.get("validity_days") or 0, uploaded=upload,
            declared_sha256=data.get("declared_sha256", ""), actor=self.actor,
        )  # fmt: skip
        try:
            if data.get("corrects"):
                self.created = evidence_correct(evidence=data["corrects"], **fields)
            else:
                self.created = evidence_upload(**fields)
        except ValidationError as exc:
            self._add_service_errors(exc)
        return data

    def _add_service_errors(self, exc: ValidationError) -> None:
        """Show the service's errors beside the fields they name; the rest above the form."""
        by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
        for field, errors in by_field.items():
            self.add_error(field if field in self.fields else None, ValidationError(errors))


@admin.register(Evidence)
class EvidenceAdmin(NavigationLookupsMixin, admin.ModelAdmin):
    navigation_lookups = ("control__id__exact",)
    list_display = ["title", "control", "kind", "version", "status", "effective_from", "effective_to",
                    "valid_until", "freshness", "integrity", "short_hash"]  # fmt: skip
    list_filter = ["status", "kind", "integrity", "control__mappings__criterion__framework",
                   ("control__owner", PersonListFilter),
                   ("valid_until", admin.DateFieldListFilter)]  # fmt: skip
    search_fields = ["title", "sha256", "control__ref", "control__name"]
    list_select_related = ["control"]
    autocomplete_fields = ["control"]
    date_hierarchy = "effective_to"
    actions = ["accept", "rehash"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = EvidenceUploadForm
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*EvidenceUploadForm.Meta.fields, "upload", "declared_sha256", "corrects"]
        return [f.name for f in Evidence._meta.concrete_fields if f.name != "id"]

    def get_readonly_fields(self, request, obj=None):
        # Accepted evidence never changes and drafts are replaced, not edited: read-only after upload.
        return self.get_fields(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.__dict__.update(form.created.__dict__)  # the service already saved it

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="valid today", boolean=True)
    def freshness(self, obj):
        return obj.status == Evidence.Status.ACCEPTED and obj.valid_until >= timezone.localdate()

    @admin.display(description="SHA-256")
    def short_hash(self, obj):
        return format_html('<code title="{}">{}…</code>', obj.sha256, obj.sha256[:12]) if obj.sha256 else "-"

    @admin.action(description="Accept selected drafts (they become immutable)", permissions=["change"])
    def accept(self, request, queryset):
        for evidence in queryset:
            try:
                evidence_accept(evidence=evidence, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{evidence}: {' '.join(exc.messages)}", messages.ERROR)

    @admin.action(description="Re-hash selected files now", permissions=["change"])
    def rehash(self, request, queryset):
        outcomes = [evidence_rehash(evidence_id=e.pk, actor=request.user) for e in queryset]
        self.message_user(request, f"Re-hashed {len(outcomes)}: {', '.join(outcomes) or 'nothing'}.")


@admin.register(EvidenceEvent)
class EvidenceEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "evidence", "actor", "detail"]
    list_filter = ["kind"]
    search_fields = ["evidence__title", "detail"]
    list_select_related = ["evidence", "actor"]
