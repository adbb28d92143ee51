"""Catalog API: read every model through `visible_to`; workflow actions call services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalog import filtersets, selectors, services
from catalog.api import serializers as s
from catalog.models import (
    Classification,
    ClassificationSuggestion,
    Column,
    ColumnLineageEdge,
    DataCheck,
    Dataset,
    GlossaryTerm,
    GlossaryTermEvent,
    Job,
    LineageEdge,
    LineageEvent,
    System,
)

IMPACT_PARAMETERS = [
    OpenApiParameter("direction", str, enum=["downstream", "upstream"], description="Default downstream."),
    OpenApiParameter("depth", int, description="Hops to follow (default 3, at most 20)."),
    OpenApiParameter(
        "max_nodes", int, description="Node cap (default 500, at most 5000); truncation is reported."
    ),
]


def _call(service, **kwargs):
    """Run a service; its validation errors become 400s (permission errors already map to 403)."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise exceptions.ValidationError({"detail": error.messages}) from None
    except ValueError as error:
        raise exceptions.ValidationError({"detail": [str(error)]}) from None


class CatalogViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and details, filtered by the model's FilterSet, restricted by `visible_to`."""

    def get_queryset(self):
        return self.queryset.all().visible_to(self.request.user, "view")

    def _impact(self, request, kind):
        result = _call(
            selectors.impact_get,
            kind=kind,
            start=self.get_object(),
            direction=request.query_params.get("direction", "downstream"),
            depth=request.query_params.get("depth"),
            max_nodes=request.query_params.get("max_nodes"),
        )
        return Response(s.ImpactSerializer(result).data)


class SystemViewSet(CatalogViewSet):
    queryset = System.objects.select_related("owner")
    serializer_class = s.SystemSerializer
    filterset_fields = ["kind", "storage_region"]
    search_fields = ["name", "description"]


class ClassificationViewSet(CatalogViewSet):
    queryset = Classification.objects.all()
    serializer_class = s.ClassificationSerializer
    search_fields = ["code", "name"]


class DatasetViewSet(CatalogViewSet):
    queryset = Dataset.objects.select_related("classification", "system", "owner", "steward")
    serializer_class = s.DatasetSerializer
    filterset_class = filtersets.DatasetFilterSet
    search_fields = ["namespace", "name", "description"]
    ordering_fields = ["name", "namespace", "last_updated_at", "row_count"]

    @extend_schema(parameters=IMPACT_PARAMETERS, responses=s.ImpactSerializer)
    @action(detail=True)
    def impact(self, request, pk=None):
        """Upstream or downstream datasets through table lineage (recursive CTE in the database)."""
        return self._impact(request, "dataset")


class ColumnViewSet(CatalogViewSet):
    queryset = Column.objects.select_related("classification", "dataset").prefetch_related("glossary_terms")
    serializer_class = s.ColumnSerializer
    filterset_class = filtersets.ColumnFilterSet
    search_fields = ["name", "description", "dataset__name"]

    @extend_schema(parameters=IMPACT_PARAMETERS, responses=s.ImpactSerializer)
    @action(detail=True)
    def impact(self, request, pk=None):
        """Upstream or downstream columns through column lineage."""
        return self._impact(request, "column")

    @extend_schema(request=s.ColumnClassifySerializer, responses=s.ColumnSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def classify(self, request, pk=None):
        """Set the classification; downstream columns receive suggestions (needs change_column)."""
        column = self.get_object()
        if not request.user.has_perm("catalog.change_column"):
            raise exceptions.PermissionDenied("You may not classify columns.")
        form = s.ColumnClassifySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        column = _call(services.column_classify, column=column, actor=request.user, **form.validated_data)
        return Response(s.ColumnSerializer(column).data)


class GlossaryTermViewSet(CatalogViewSet):
    queryset = GlossaryTerm.objects.select_related("owner", "last_edited_by", "approved_by").prefetch_related(
        "reviewers", "related_terms"
    )
    serializer_class = s.GlossaryTermSerializer
    filterset_class = filtersets.GlossaryTermFilterSet
    search_fields = ["name", "definition"]

    def _transition(self, service):
        term = _call(service, term=self.get_object(), actor=self.request.user)
        return Response(s.GlossaryTermSerializer(term).data)

    @extend_schema(request=None, responses=s.GlossaryTermSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def submit(self, request, pk=None):
        return self._transition(services.glossary_term_submit)

    @extend_schema(request=None, responses=s.GlossaryTermSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def approve(self, request, pk=None):
        """Approve a term in review. Refused to its last editor (four eyes)."""
        return self._transition(services.glossary_term_approve)

    @extend_schema(request=None, responses=s.GlossaryTermSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def deprecate(self, request, pk=None):
        return self._transition(services.glossary_term_deprecate)


class GlossaryTermEventViewSet(CatalogViewSet):
    queryset = GlossaryTermEvent.objects.select_related("actor")
    serializer_class = s.GlossaryTermEventSerializer
    filterset_fields = ["term", "action", "actor"]


class JobViewSet(CatalogViewSet):
    queryset = Job.objects.all()
    serializer_class = s.JobSerializer
    filterset_fields = ["namespace"]
    search_fields = ["namespace", "name"]


class LineageEventViewSet(CatalogViewSet):
    queryset = LineageEvent.objects.select_related("job", "received_by")
    serializer_class = s.LineageEventSerializer
    filterset_class = filtersets.LineageEventFilterSet


class LineageEdgeViewSet(CatalogViewSet):
    queryset = LineageEdge.objects.select_related("input_dataset", "output_dataset", "job")
    serializer_class = s.LineageEdgeSerializer
    filterset_class = filtersets.LineageEdgeFilterSet


class ColumnLineageEdgeViewSet(CatalogViewSet):
    queryset = ColumnLineageEdge.objects.select_related(
        "input_column__dataset", "output_column__dataset", "job"
    )
    serializer_class = s.ColumnLineageEdgeSerializer
    filterset_class = filtersets.ColumnLineageEdgeFilterSet


class DataCheckViewSet(CatalogViewSet):
    queryset = DataCheck.objects.select_related("dataset", "column")
    serializer_class = s.DataCheckSerializer
    filterset_class = filtersets.DataCheckFilterSet
    search_fields = ["name", "unique_id"]


class ClassificationSuggestionViewSet(CatalogViewSet):
    queryset = ClassificationSuggestion.objects.select_related(
        "column__dataset", "suggested_classification", "reviewed_by"
    )
    serializer_class = s.ClassificationSuggestionSerializer
    filterset_class = filtersets.ClassificationSuggestionFilterSet

    def _review(self, service):
        suggestion = _call(service, suggestion=self.get_object(), actor=self.request.user)
        return Response(s.ClassificationSuggestionSerializer(suggestion).data)

    @extend_schema(request=None, responses=s.ClassificationSuggestionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def accept(self, request, pk=None):
        return self._review(services.suggestion_accept)

    @extend_schema(request=None, responses=s.ClassificationSuggestionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def reject(self, request, pk=None):
        return self._review(services.suggestion_reject)
