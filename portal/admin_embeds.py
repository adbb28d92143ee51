"""Admin of embed links (created and revoked through portal.embeds.services, shown read-only)
and of the origins each organisation lets frame them (plain rows, in the audit trail as diffs)."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.people import person_name
from portal.customer.dashboards import CUSTOMER_DASHBOARDS
from portal.embeds import services
from portal.embeds.selectors import embed_link_list
from portal.embeds.tokens import embed_token
from portal.models import EmbedLink, EmbedOrigin

DEFAULT_DAYS = 30


class ReaderField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{person_name(user)} ({user.organization})"


class EmbedLinkForm(forms.ModelForm):
    """A new link, checked by the service's own rules before anything is saved."""

    dashboard = forms.ChoiceField(choices=list(CUSTOMER_DASHBOARDS.items()))
    reader = ReaderField(
        queryset=get_user_model()
        .objects.filter(is_active=True, groups__name=roles.CUSTOMER_VIEWER, organization__isnull=False)
        .select_related("organization")
        .order_by("organization__name", "first_name", "last_name"),
        help_text="The organisation's customer viewer whose access the dashboard reads with.",
    )

    class Meta:
        model = EmbedLink
        fields = ["organization", "dashboard", "reader", "expires_at", "label"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "expires_at" in self.fields:  # the add form; an existing link is shown read-only
            self.fields["expires_at"].initial = timezone.now() + timedelta(days=DEFAULT_DAYS)
            self.fields[
                "expires_at"
            ].help_text = f"Required; at most {settings.EMBED_LINK_MAX_DAYS} days from now (UTC)."

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        terms = {name: data.get(name) for name in ["organization", "dashboard", "reader", "expires_at"]}
        try:
            services.embed_link_check(**terms)
        except ValidationError as error:
            self.add_error(None, error)
        return data


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return EmbedLink.Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class DashboardFilter(admin.SimpleListFilter):
    title = "dashboard"
    parameter_name = "dashboard"

    def lookups(self, request, model_admin):
        return list(CUSTOMER_DASHBOARDS.items())

    def queryset(self, request, queryset):
        return queryset.filter(dashboard=self.value()) if self.value() else queryset


@admin.register(EmbedLink)
class EmbedLinkAdmin(admin.ModelAdmin):
    form = EmbedLinkForm
    list_display = ["__str__", "organization", "dashboard_title", "reader_name", "expires_at",
                    "status_label", "last_used_at"]  # fmt: skip
    list_filter = [StatusFilter, ("organization", admin.RelatedOnlyFieldListFilter), DashboardFilter]
    search_fields = ["label", "organization__name"]
    readonly_fields = ["organization", "dashboard_title", "reader_name", "label", "status_label",
                       "expires_at", "created_by_name", "created_at",
                       "revoked_at", "revoked_by_name", "last_used_at"]  # fmt: skip
    actions = ["revoke"]
    change_form_template = "admin/portal/embedlink/change_form.html"

    def get_queryset(self, request):
        return embed_link_list(request.user)

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else self.form.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return False  # a link's terms never change: revoke it and create another

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("portal.revoke_embedlink")

    def save_model(self, request, obj, form, change):
        created = services.embed_link_create(actor=request.user, **form.cleaned_data)
        obj.pk, obj.created_by, obj.created_at = created.pk, created.created_by, created.created_at

    def save_related(self, request, form, formsets, change):
        pass  # the service wrote the row; there is nothing related

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, "Link created: copy its URL below.", messages.SUCCESS)
        return redirect(reverse("admin:portal_embedlink_change", args=[obj.pk]))

    def get_urls(self):
        revoke = self.admin_site.admin_view(require_POST(self.revoke_view))
        return [
            path("<path:object_id>/revoke/", revoke, name="portal_embedlink_revoke"),
            *super().get_urls(),
        ]

    def revoke_view(self, request, object_id):
        if not self.has_revoke_permission(request):
            raise PermissionDenied
        link = self.get_object(request, object_id)
        if link is None:
            raise Http404("No such embed link.")
        services.embed_link_revoke(link=link, actor=request.user)
        self.message_user(request, f"{link} revoked; it stops working at once.", messages.SUCCESS)
        return redirect(reverse("admin:portal_embedlink_change", args=[link.pk]))

    @admin.action(description="Revoke selected links", permissions=["revoke"])
    def revoke(self, request, queryset):
        links = list(queryset.filter(revoked_at__isnull=True))
        for link in links:
            services.embed_link_revoke(link=link, actor=request.user)
        self.message_user(
            request, f"{len(links)} link(s) revoked; they stop working at once.", messages.SUCCESS
        )

    @admin.display(description="dashboard", ordering="dashboard")
    def dashboard_title(self, link):
        return CUSTOMER_DASHBOARDS.get(link.dashboard, link.dashboard)

    @admin.display(description="reads as", ordering="reader__last_name")
    def reader_name(self, link):
        return person_name(link.reader)

    @admin.display(description="created by")
    def created_by_name(self, link):
        return person_name(link.created_by)

    @admin.display(description="revoked by")
    def revoked_by_name(self, link):
        return person_name(link.revoked_by) if link.revoked_by_id else "-"

    @admin.display(description="status", ordering="status")
    def status_label(self, link):
        return EmbedLink.Status(link.status).label

    def change_view(self, request, object_id, form_url="", extra_context=None):
        link = self.get_object(request, object_id)
        if link is not None:
            url = request.build_absolute_uri(reverse("embed:dashboard", args=[embed_token(link)]))
            snippet = f'<iframe src="{url}" width="100%" height="900" title="{link}"></iframe>'
            can_revoke = link.revoked_at is None and self.has_revoke_permission(request)
            extra_context = {
                **(extra_context or {}), "embed_url": url, "embed_snippet": snippet, "can_revoke": can_revoke,
            }  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(EmbedOrigin)
class EmbedOriginAdmin(admin.ModelAdmin):
    list_display = ["origin", "organization", "added_at"]
    list_filter = [("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organization"]
    search_fields = ["origin", "organization__name"]
    fields = ["organization", "origin"]

    def get_queryset(self, request):
        return EmbedOrigin.objects.visible_to(request.user).select_related("organization")
