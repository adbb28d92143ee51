from django import forms
from django.conf import settings
from django.contrib import admin

from submissions.models import Document, DocumentVersion
from submissions.services import SubmissionError, document_version_upload


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ["version", "file_name", "size", "md5", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "application", "created_at"]
    list_filter = ["application__region"]
    list_select_related = ["application"]
    search_fields = ["title", "application__product"]
    inlines = [VersionInline]


class VersionUploadForm(forms.ModelForm):
    upload = forms.FileField(help_text="Streamed into the store; MD5 and SHA-256 are computed on the way.")

    class Meta:
        model = DocumentVersion
        fields = ["document", "file_name"]

    def clean(self):
        data = super().clean()
        upload, name = data.get("upload"), data.get("file_name") or ""
        extension = name.rsplit(".", 1)[-1] if "." in name else ""
        if name and extension not in settings.SUBMISSIONS_ALLOWED_EXTENSIONS:
            self.add_error("file_name", f"'.{extension}' files cannot go into a submission.")
        if upload is not None and upload.size > settings.SUBMISSIONS_MAX_DOCUMENT_BYTES:
            limit = settings.SUBMISSIONS_MAX_DOCUMENT_BYTES // (1024 * 1024)
            self.add_error("upload", f"The file is larger than the {limit} MB limit.")
        return data


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    """Versions are immutable: they can be uploaded and looked at, never edited or deleted."""

    form = VersionUploadForm
    list_display = ["document", "version", "file_name", "size", "md5", "uploaded_by", "uploaded_at"]
    list_select_related = ["document", "uploaded_by"]
    search_fields = ["document__title", "file_name", "md5", "sha256"]
    autocomplete_fields = ["document"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = document_version_upload(
                document=form.cleaned_data["document"],
                source=form.cleaned_data["upload"],
                file_name=form.cleaned_data["file_name"],
                actor=request.user,
            )
        except SubmissionError as exc:
            raise forms.ValidationError(str(exc)) from exc
        obj.pk = saved.pk
