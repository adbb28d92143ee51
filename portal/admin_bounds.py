"""Admin views where ids beyond 64 bits never reach the database.

Every admin view (change, delete, history, custom views such as django-otp's QR code, the
changelist and autocomplete) is wrapped by `AdminSite.admin_view`, so one check here covers all of
them: an out-of-range id in the URL is a 404, an out-of-range id in a changelist filter is a 400
naming the filter. Django already answers out-of-range `exact` lookups on integer columns, but not
foreign-key or `__in` lookups, which the driver cannot bind (a 500).
"""

from functools import wraps

from django.contrib.admin import ModelAdmin
from django.contrib.admin.views import main as changelist
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.template.response import TemplateResponse

from accounts.filtering import integer_out_of_range, is_integer_key

URL_IDS = ("object_id", "pk")
NOT_LOOKUPS = {
    changelist.ALL_VAR,
    changelist.ORDER_VAR,
    changelist.PAGE_VAR,
    changelist.SEARCH_VAR,
    changelist.ERROR_FLAG,
    changelist.IS_POPUP_VAR,
    changelist.TO_FIELD_VAR,
    changelist.IS_FACETS_VAR,
    "_changelist_filters",
}


def lookup_field(model, lookup: str):
    """The model field a changelist lookup (`dataset__id__in`, `owner`) ends on, or None."""
    field = None
    for part in lookup.split(LOOKUP_SEP):
        opts = field.related_model._meta if field is not None and field.is_relation else model._meta
        try:
            field = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            break  # a lookup such as `exact` or `in`: the field before it is the one filtered
    return field


def out_of_range_filters(model, params) -> list[tuple[str, str]]:
    """(parameter, value) of each changelist filter on an integer column whose value cannot be stored."""
    bad = []
    for name, values in params.lists():
        if name in NOT_LOOKUPS or not is_integer_key(lookup_field(model, name)):
            continue
        bad += [(name, v) for value in values for v in value.split(",") if integer_out_of_range(v)]
    return bad


class BoundedIdsAdminSiteMixin:
    """For the project's admin site: out-of-range ids are a 404 in URLs and a 400 in filters."""

    def admin_view(self, view, cacheable=False):
        return super().admin_view(self._bounded(view), cacheable)

    def _bounded(self, view):
        model_admin = getattr(view, "__self__", None)
        lists = isinstance(model_admin, ModelAdmin) and getattr(view, "__name__", "") == "changelist_view"

        @wraps(view)
        def inner(request, *args, **kwargs):
            if any(integer_out_of_range(kwargs.get(key)) for key in URL_IDS if key in kwargs):
                raise Http404("No such record.")
            bad = out_of_range_filters(model_admin.model, request.GET) if lists else []
            if bad:
                return self._bad_filters(request, model_admin, bad)
            return view(request, *args, **kwargs)

        return inner

    def _bad_filters(self, request, model_admin, bad):
        opts = model_admin.model._meta
        context = {**self.each_context(request), "opts": opts, "bad": bad, "title": "Filter out of range"}
        return TemplateResponse(request, "admin/bad_filter.html", context, status=400)
