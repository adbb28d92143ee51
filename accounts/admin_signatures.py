"""Admin for signatures, plus two small pieces other apps reuse on records that get signed.

- `SignaturesInline`: the record's signatures with printed name, meaning, UTC time and validity.
- `SignableAdminMixin`: a "Sign" page at `<id>/sign/` asking for the meaning and the password.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from accounts.admin_trail import ReadOnlyAdmin
from accounts.models import Signature
from accounts.signatures import SignatureRejected, signature_sign, signature_status


class _ValidityColumns:
    @admin.display(boolean=True, description="Valid")
    def valid(self, obj):
        return self._status(obj).valid

    @admin.display(description="Status")
    def status(self, obj):
        return str(self._status(obj))

    def _status(self, obj):
        # One status per row and request; `record` is prefetched by get_queryset.
        cache = obj.__dict__.setdefault("_status_cache", {})
        if "s" not in cache:
            cache["s"] = signature_status(obj, record=obj.record)
        return cache["s"]


@admin.register(Signature)
class SignatureAdmin(_ValidityColumns, ReadOnlyAdmin):
    list_display = ["signed_at", "printed_name", "meaning", "content_type", "record_repr", "valid", "status"]
    list_filter = ["meaning", "content_type", "signed_at"]
    list_select_related = ["content_type", "signer"]
    search_fields = ["printed_name", "signer__username", "record_repr", "object_pk"]
    fields = [
        "printed_name",
        "signer",
        "meaning",
        "signed_at",
        "content_type",
        "object_pk",
        "record_repr",
        "record_hash",
        "comment",
        "valid",
        "status",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")


class SignaturesInline(_ValidityColumns, GenericTabularInline):
    """Add to `inlines` of a ModelAdmin whose records are signed."""

    model = Signature
    ct_fk_field = "object_pk"
    fields = ["printed_name", "meaning", "signed_at", "comment", "valid", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")


class SignForm(forms.Form):
    meaning = forms.ChoiceField(choices=Signature.Meaning.choices)
    password = forms.CharField(
        widget=forms.PasswordInput, help_text="Your password again: this is your electronic signature."
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SignableAdminMixin:
    """Adds `<id>/sign/`. Who may sign is `has_sign_permission` (default: change permission)."""

    sign_template = "admin/accounts/sign.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        view = self.admin_site.admin_view(self.sign_view)
        return [path("<path:object_id>/sign/", view, name=f"{info[0]}_{info[1]}_sign"), *super().get_urls()]

    def has_sign_permission(self, request, obj):
        return self.has_change_permission(request, obj)

    def sign_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_sign_permission(request, obj):
            raise PermissionDenied
        form = SignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                signature_sign(obj=obj, signer=request.user, request=request, **form.cleaned_data)
            except SignatureRejected as exc:
                form.add_error("password", str(exc))
            else:
                self.message_user(request, f"Signed {obj}.", messages.SUCCESS)
                return redirect("../change/")
        context = {**self.admin_site.each_context(request), "form": form, "object": obj}
        context.update(opts=self.model._meta, title=f"Sign {obj}")
        return TemplateResponse(request, self.sign_template, context)
