"""Filters whose ids stay inside the 64-bit range the database stores.

A filter value such as `?glossary_terms=9223372036854775808` used to reach the database driver,
which cannot bind it (an `OverflowError` on SQLite, "integer out of range" on PostgreSQL), so the
request ended in a 500. Every FilterSet of the project, and the ones DRF builds from
`filterset_fields`, refuse such a value as a 400 naming the filter.
"""

from decimal import Decimal, InvalidOperation

import django_filters
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_filters import fields as filter_fields
from django_filters import rest_framework as drf_filters
from django_filters.utils import get_model_field

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def integer_out_of_range(value) -> bool:
    """True for a whole number the database cannot hold; anything else is left to normal validation."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return False
    return number.is_finite() and not INT64_MIN <= number <= INT64_MAX


def is_integer_key(field) -> bool:
    """An integer column, or a relation whose target column is an integer (ids, foreign keys)."""
    if field is not None and field.is_relation and field.related_model is not None:
        field = getattr(field, "target_field", None) or field.related_model._meta.pk
    return isinstance(field, models.IntegerField)


def _refuse_out_of_range(field, values) -> None:
    opts = field.queryset.model._meta
    key = opts.pk if field.to_field_name in (None, "pk") else opts.get_field(field.to_field_name)
    for value in values:
        if is_integer_key(key) and integer_out_of_range(value):
            raise ValidationError(
                "%(value)s is not a valid id: ids are whole numbers up to %(max)d.",
                code="out_of_range",
                params={"value": str(value)[:40], "max": INT64_MAX},
            )


class BoundedModelChoiceField(filter_fields.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            _refuse_out_of_range(self, [value])
        return super().to_python(value)


class BoundedModelMultipleChoiceField(filter_fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        _refuse_out_of_range(self, value)
        return super()._check_values(value)


class BoundedFiltersMixin:
    """Swap in bounded fields for every model-choice filter and bound numbers on integer columns."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            self._bound(filter_)

    def _bound(self, filter_) -> None:
        if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
            filter_.field_class = BoundedModelMultipleChoiceField
        elif isinstance(filter_, django_filters.ModelChoiceFilter):
            filter_.field_class = BoundedModelChoiceField
        elif isinstance(filter_, django_filters.NumberFilter) and self._on_integer(filter_):
            filter_.extra.setdefault(
                "validators", [MinValueValidator(INT64_MIN), MaxValueValidator(INT64_MAX)]
            )

    def _on_integer(self, filter_) -> bool:
        model = self._meta.model or self.queryset.model
        return is_integer_key(get_model_field(model, filter_.field_name))


class BoundedFilterSet(BoundedFiltersMixin, django_filters.FilterSet):
    """Base of every FilterSet in the project."""


class BoundedApiFilterSet(BoundedFiltersMixin, drf_filters.FilterSet):
    """What DRF builds for views that list `filterset_fields` instead of naming a FilterSet."""


class BoundedFilterBackend(drf_filters.DjangoFilterBackend):
    filterset_base = BoundedApiFilterSet
