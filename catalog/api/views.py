"""Catalog API: read every model through `visible_to`; workflow actions call services."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
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

    write_serializer_class = None

    def get_queryset(self):
        # Workflow actions (approve, classify, accept) check their own permission in the service.
        action = "change" if self.action in ("update", "partial_update") else "view"
        return self.queryset.all().visible_to(self.request.user, action)

    def get_serializer_class(self):
        if self.request.method in ("POST", "PUT", "PATCH") and self.write_serializer_class:
            return self.write_serializer_class
        return self.serializer_class

    def _answer(self, instance, status_code=200):
        return Response(self.serializer_class(instance).data, status=status_code)

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


class DatasetViewSet(mixins.UpdateModelMixin, CatalogViewSet):
    """Datasets; stewards edit the curated fields (PATCH), importers create them."""

    write_serializer_class = s.DatasetUpdateSerializer
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

    @extend_schema(request=s.DatasetUpdateSerializer, responses=s.DatasetSerializer)
    def update(self, request, *args, **kwargs):
        form = s.DatasetUpdateSerializer(
            self.get_object(), data=request.data, partial=kwargs.get("partial", False)
        )
        form.is_valid(raise_exception=True)
        dataset = _call(
            services.dataset_update, dataset=form.instance, actor=request.user, **form.validated_data
        )
        return self._answer(dataset)


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


class GlossaryTermViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, CatalogViewSet):
    """Terms. Stewards create and edit (a wording change sends an approved term back to draft)."""

    write_serializer_class = s.GlossaryTermWriteSerializer
    queryset = GlossaryTerm.objects.select_related("owner", "last_edited_by", "approved_by").prefetch_related(
        "reviewers", "related_terms"
    )
    serializer_class = s.GlossaryTermSerializer
    filterset_class = filtersets.GlossaryTermFilterSet
    search_fields = ["name", "definition"]

    @extend_schema(request=s.GlossaryTermWriteSerializer, responses=s.GlossaryTermSerializer)
    def create(self, request, *args, **kwargs):
        form = s.GlossaryTermWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        term = _call(services.glossary_term_create, actor=request.user, **form.validated_data)
        return self._answer(term, 201)

    @extend_schema(request=s.GlossaryTermWriteSerializer, responses=s.GlossaryTermSerializer)
    def update(self, request, *args, **kwargs):
        term = self.get_object()
        form = s.GlossaryTermWriteSerializer(term, data=request.data, partial=kwargs.get("partial", False))
        form.is_valid(raise_exception=True)
        term = _call(services.glossary_term_update, term=term, actor=request.user, **form.validated_data)
        return self._answer(term)

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
    # Lists and details are summaries: the stored body is never read for them.
    queryset = LineageEvent.objects.select_related("job", "received_by").defer("payload")
    serializer_class = s.LineageEventSerializer
    filterset_class = filtersets.LineageEventFilterSet

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiResponse(
                {"type": "object", "additionalProperties": True}, description="The event as received."
            )
        }
    )
    @action(detail=True, methods=["get"])
    def body(self, request, pk=None):
        """The OpenLineage event exactly as received; 413 when it is over the response limit."""
        event = self.get_object()
        payload, size = selectors.lineage_event_body(event=event)
        limit = settings.CATALOG_LINEAGE_MAX_PAYLOAD_RESPONSE_BYTES
        if payload is None:
            detail = f"The stored event is {size} bytes, over the response limit of {limit}."
            return Response({"detail": detail}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        return Response(payload)


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
