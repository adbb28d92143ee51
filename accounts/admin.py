from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse

from accounts.admin_trail import ReadOnlyAdmin
from accounts.models import AccessEvent, ApiToken, Organization, User
from accounts.people import people
from accounts.services import (
    api_token_revoke,
    organization_internal_validate,
    user_deactivate,
    user_roles_validate,
)


class OrganizationForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        try:
            organization_internal_validate(organization=self.instance, is_internal=cleaned.get("is_internal"))
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


class UserForm(UserChangeForm):
    """Refuses staff roles for users outside the operating organisation (the service's rule)."""

    def clean(self):
        cleaned = super().clean()
        if "groups" in cleaned and "organization" in cleaned:
            try:
                role_names = [group.name for group in cleaned["groups"]]
                user_roles_validate(organization=cleaned["organization"], role_names=role_names)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    list_display = ["name", "tier", "icp_segment", "region", "data_residency", "is_internal", "user_count"]
    list_filter = ["tier", "icp_segment", "region", "data_residency", "is_internal"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=Count("users"))

    @admin.display(description="Users", ordering="user_count")
    def user_count(self, obj):
        return obj.user_count

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserForm
    list_display = [
        "username",
        "get_full_name",
        "email",
        "organization",
        "roles",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "groups", "organization"]
    list_select_related = ["organization"]
    search_fields = ["username", "first_name", "last_name", "email", "organization__name"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["deactivated_at", "last_login", "date_joined"]
    actions = ["deactivate"]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Tenant", {"fields": ["organization", "deactivated_at"]}))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path == reverse("admin:autocomplete"):  # picking an owner: people, never a machine account
            queryset = people(queryset)
        return queryset, may_have_duplicates

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all()) or "—"

    @admin.action(description="Deactivate selected users (they are never deleted)", permissions=["change"])
    def deactivate(self, request, queryset):
        for user in queryset:
            user_deactivate(user=user, actor=request.user)
        self.message_user(request, f"Deactivated {queryset.count()} user(s) and revoked their tokens.")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "active",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["user", "revoked_by"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    actions = ["revoke"]

    @admin.display(boolean=True, description="Active")
    def active(self, obj):
        return obj.is_active

    @admin.action(description="Revoke selected tokens now", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).", messages.SUCCESS)

    def has_add_permission(self, request):
        # A token is shown once, at creation: `manage.py create_api_token USERNAME`.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "user", "ip_address", "path"]
    list_filter = ["kind", "at"]
    list_select_related = ["user"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "at"


import accounts.admin_grants  # noqa: E402,F401  (registers AccessGrantAdmin; issue 8)
from accounts import admin_signatures  # noqa: E402,F401  (registers SignatureAdmin)
