"""One FilterSet per model, shared by the API (and usable by portal views)."""

import django_filters

from accounts.filtering import BoundedFilterSet
from catalog.models import (
    ClassificationSuggestion,
    Column,
    ColumnLineageEdge,
    DataCheck,
    Dataset,
    GlossaryTerm,
    LineageEdge,
    LineageEvent,
    PiiCategory,
)


class DatasetFilterSet(BoundedFilterSet):
    classification = django_filters.CharFilter(field_name="classification__code")
    pii_category = django_filters.ChoiceFilter(
        field_name="columns__pii_category", choices=PiiCategory.choices[1:], distinct=True
    )
    has_description = django_filters.BooleanFilter(method="filter_has_description")

    class Meta:
        model = Dataset
        fields = ["namespace", "system", "layer", "owner", "steward", "source"]

    def filter_has_description(self, queryset, name, value):
        return queryset.exclude(description="") if value else queryset.filter(description="")


class ColumnFilterSet(BoundedFilterSet):
    classification = django_filters.CharFilter(field_name="classification__code")

    class Meta:
        model = Column
        fields = ["dataset", "pii_category", "glossary_terms"]


class GlossaryTermFilterSet(BoundedFilterSet):
    class Meta:
        model = GlossaryTerm
        fields = ["status", "owner", "parent"]


class LineageEdgeFilterSet(BoundedFilterSet):
    class Meta:
        model = LineageEdge
        fields = ["input_dataset", "output_dataset", "job", "source"]


class ColumnLineageEdgeFilterSet(BoundedFilterSet):
    class Meta:
        model = ColumnLineageEdge
        fields = ["input_column", "output_column", "job", "transformation_type", "subtype", "masking"]


class LineageEventFilterSet(BoundedFilterSet):
    class Meta:
        model = LineageEvent
        fields = ["job", "event_type", "run_id"]


class DataCheckFilterSet(BoundedFilterSet):
    class Meta:
        model = DataCheck
        fields = ["dataset", "test_type", "last_status", "severity"]


class ClassificationSuggestionFilterSet(BoundedFilterSet):
    class Meta:
        model = ClassificationSuggestion
        fields = ["status", "detector", "column", "column__dataset"]
