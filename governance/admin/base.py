from django.urls import reverse
from django.utils.html import format_html


class BuiltinAdminMixin:
    """Built-in rows: only the model's EDITABLE_WHEN_BUILTIN fields change; never deleted."""

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_builtin:
            return [f.name for f in obj._meta.concrete_fields if f.name not in obj.EDITABLE_WHEN_BUILTIN]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_builtin:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would meet built-in rows
        return actions


def changelist_link(model: str, text, **filters) -> str:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return format_html('<a href="{}?{}">{}</a>', reverse(f"admin:governance_{model}_changelist"), query, text)


class NavigationLookupsMixin:
    """Allow the id filters the navigation links use (framework → criteria → controls → evidence)."""

    navigation_lookups: tuple[str, ...] = ()

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in self.navigation_lookups or super().lookup_allowed(lookup, value, request)
