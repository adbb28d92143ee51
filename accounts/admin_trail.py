"""Admin for the audit trail and signatures: read-only for everyone, superusers included."""

from pathlib import Path

from auditlog.mixins import LogEntryAdminMixin
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.urls import path

from accounts.audit import change_reason
from accounts.filtering import integer_out_of_range
from accounts.models import AuditEntry


class ReadOnlyMixin:
    """Records nobody may add, change or delete through the admin (append-only history)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


def project_app_labels() -> list[str]:
    """The apps this repository holds (a package beside manage.py), not Django's or a library's."""
    base = Path(settings.BASE_DIR)
    return [app.label for app in apps.get_app_configs() if (base / app.name.split(".")[0]).is_dir()]


class ObjectTypeFilter(admin.SimpleListFilter):
    """By object type: the project's own models, listed from the content types rather than by
    scanning the whole trail, under their app's and model's names."""

    title = "object type"
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = ContentType.objects.filter(app_label__in=project_app_labels())
        names = {app.label: app.verbose_name for app in apps.get_app_configs()}
        choices = [(ct.pk, f"{names[ct.app_label]} · {ct.name}") for ct in types if ct.model_class()]
        return sorted(choices, key=lambda choice: choice[1].lower())

    def queryset(self, request, queryset):
        value = self.value()
        # Refused here: an id beyond 64 bits would otherwise fail only when the page is counted.
        if value and (not value.isdigit() or integer_out_of_range(value)):
            raise IncorrectLookupParameters(f"{value[:40]} is not an object type.")
        return queryset.filter(content_type_id=value) if value else queryset


if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)  # auditlog registers its own, which allows cascade deletes


@admin.register(AuditEntry)
class AuditEntryAdmin(LogEntryAdminMixin, ReadOnlyAdmin):
    list_display = ["seq", "created", "action", "resource_url", "msg_short", "user_url", "reason_short"]
    list_filter = ["action", ObjectTypeFilter, "timestamp"]
    list_select_related = ["content_type", "actor"]
    search_fields = ["object_repr", "actor__username", "actor_email", "reason"]
    show_full_result_count = False  # no COUNT(*) over millions of entries on every page
    readonly_fields = [
        "seq",
        "created",
        "user_url",
        "actor_email",
        "remote_addr",
        "resource_url",
        "action",
        "msg",
        "reason",
        "additional_data",
        "prev_hash",
        "entry_hash",
    ]
    fieldsets = [
        (None, {"fields": ["seq", "created", "user_url", "actor_email", "remote_addr", "resource_url"]}),
        ("What happened", {"fields": ["action", "msg", "reason", "additional_data"]}),
        ("Chain", {"fields": ["prev_hash", "entry_hash"]}),
    ]

    def get_urls(self):
        from accounts.admin_export import extract_view

        view = self.admin_site.admin_view(lambda request: extract_view(self, request))
        return [path("extract/", view, name="accounts_auditentry_extract"), *super().get_urls()]

    def get_queryset(self, request):
        self.request = request  # LogEntryAdminMixin builds links from it
        return super().get_queryset(request)

    @admin.display(description="Reason for change")
    def reason_short(self, obj):
        return (obj.reason[:60] + "…") if len(obj.reason) > 60 else obj.reason


class ReasonForChangeAdminMixin:
    """For GxP records (`accounts.audit.register(..., gxp=True)`): editing asks for a reason.

    The change form gets a required "reason for change" field, and the save runs inside
    `change_reason`, so the audit entry carries it. With explicit `fieldsets`, add
    "reason_for_change" to one of them. Deleting GxP records in the admin is best refused.
    """

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:  # creating a record needs no reason
            kwargs["form"] = type(
                "ReasonForChangeForm",
                (kwargs.get("form", self.form),),
                {
                    "reason_for_change": forms.CharField(
                        widget=forms.Textarea(attrs={"rows": 2}),
                        help_text="Why this change is made; kept in the audit trail.",
                    )
                },
            )
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        with change_reason(form.cleaned_data.get("reason_for_change", "")):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with change_reason(form.cleaned_data.get("reason_for_change", "")):
            super().save_related(request, form, formsets, change)
