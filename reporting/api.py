"""The reporting API (read-only): the metric layer, metric series through the governed read path,
and the dashboards the caller may open. Thin: parse, call the metric layer, answer.

Metric definitions are no secret: any signed-in caller lists them. Values come through the read
path, which decides per caller (403 when their policies do not reach the mart) and logs each read.
"""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting.dashboards import dashboards_for
from reporting.metric_catalog import metric_entries
from reporting.metric_layer import GRAINS, metric_layer
from reporting.metric_views import metric_or_404
from reporting.params import metric_params
from reporting.series import MetricQueryError, metric_series
from warehouse.engine import EngineError
from warehouse.reads.models import AccessLog
from warehouse.reads.query import ReadDenied
from warehouse.reads.request_ids import HEADER, request_id_for


class MetricSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    formula = serializers.CharField()
    mart = serializers.CharField(help_text="The `schema.table` it reads through the governed path.")
    measure = serializers.ChoiceField(["sum", "ratio", "median", "p90"])
    columns = serializers.ListField(child=serializers.CharField(), help_text="Measured column(s).")
    period = serializers.ChoiceField(["flow", "end", "start"])
    grains = serializers.ListField(child=serializers.CharField())
    dimensions = serializers.ListField(child=serializers.CharField())
    unit = serializers.CharField()
    owner = serializers.CharField()
    reconciled_by = serializers.CharField(help_text="The dbt test that reconciles it.")
    dashboards = serializers.ListField(child=serializers.CharField())
    dataset_id = serializers.IntegerField(
        allow_null=True, help_text="The mart's catalog dataset, for lineage."
    )


class FreshnessSerializer(serializers.Serializer):
    run_id = serializers.IntegerField(allow_null=True, help_text="The warehouse run the values come from.")
    job = serializers.CharField()
    finished_at = serializers.DateTimeField(allow_null=True)


class PointSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="First day of the month, quarter or year.")
    value = serializers.FloatField(allow_null=True)
    segment = serializers.JSONField(allow_null=True, help_text="The dimension's value, when broken down.")


class SeriesSerializer(serializers.Serializer):
    metric = serializers.CharField()
    grain = serializers.CharField()
    dimension = serializers.CharField(allow_null=True)
    unit = serializers.CharField()
    freshness = FreshnessSerializer()
    cached = serializers.BooleanField(help_text="Served from the cache of that run (logged either way).")
    masked = serializers.DictField(child=serializers.CharField())
    points = PointSerializer(many=True)


class DashboardSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    intro = serializers.CharField()
    url = serializers.CharField()


def _metric_body(entry) -> dict:
    m = entry.metric
    return {
        "name": m.name,
        "label": m.label,
        "description": m.description,
        "formula": m.formula,
        "mart": m.mart,
        "measure": m.measure,
        "columns": list(m.columns),
        "period": m.period,
        "grains": list(GRAINS) if m.rolls_up else list(m.time),
        "dimensions": list(m.dimensions),
        "unit": m.unit,
        "owner": m.owner,
        "reconciled_by": m.reconciled_by,
        "dashboards": list(m.dashboards),
        "dataset_id": entry.dataset.pk if entry.dataset else None,
    }


class MetricListView(APIView):
    """Every metric of the metric layer with its definition."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MetricSerializer(many=True))
    def get(self, request):
        entries = metric_entries(list(metric_layer().metrics.values()))
        return Response([_metric_body(e) for e in entries])


class MetricDetailView(APIView):
    """One metric's definition."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MetricSerializer, 404: OpenApiResponse(description="No such metric.")})
    def get(self, request, name):
        (entry,) = metric_entries([metric_or_404(name)])
        return Response(_metric_body(entry))


SERIES_PARAMETERS = [
    OpenApiParameter("grain", str, enum=list(GRAINS), description="Default month."),
    OpenApiParameter("start", str, description="First period, YYYY-MM-DD."),
    OpenApiParameter("end", str, description="Last day included, YYYY-MM-DD."),
    OpenApiParameter("dimension", str, description="Break down by one of the metric's dimensions."),
    OpenApiParameter(
        "<dimension>",
        str,
        description="Filter on a dimension, e.g. tier=enterprise; repeat for several values.",
    ),
]


class MetricSeriesView(APIView):
    """The metric per period (and segment), read through the governed path as the caller."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=SERIES_PARAMETERS,
        responses={
            200: SeriesSerializer,
            400: OpenApiResponse(description="An unknown parameter, grain, dimension or a malformed date."),
            403: OpenApiResponse(description="Your access policies do not let you read this metric's mart."),
            404: OpenApiResponse(description="No such metric."),
            502: OpenApiResponse(description="The warehouse failed to run the query."),
        },
    )
    def get(self, request, name):
        metric = metric_or_404(name)
        request_id = request_id_for(request)
        try:
            params = metric_params(metric, request.query_params)
            series = metric_series(
                user=request.user,
                metric=metric,
                grain=params.grain,
                start=params.start,
                end=params.end,
                dimension=params.dimension,
                where=params.where,
                purpose=AccessLog.Purpose.API,
                request_id=request_id,
            )
        except MetricQueryError as error:
            return _error(str(error), status.HTTP_400_BAD_REQUEST, request_id)
        except ReadDenied as error:
            return _error(str(error), status.HTTP_403_FORBIDDEN, request_id)
        except EngineError:
            return _error("The warehouse could not run this query; it is logged.", 502, request_id)
        body = {
            "metric": metric.name,
            "grain": series.grain,
            "dimension": series.dimension,
            "unit": metric.unit,
            "freshness": {
                "run_id": series.freshness.run_id,
                "job": series.freshness.job,
                "finished_at": series.freshness.finished_at,
            },
            "cached": series.cached,
            "masked": series.masked,
            "points": [{"period": p.period, "value": p.value, "segment": p.segment} for p in series.points],
        }
        return Response(SeriesSerializer(body).data, headers={HEADER: request_id})


class DashboardListView(APIView):
    """The dashboards you may open (by your roles)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DashboardSerializer(many=True))
    def get(self, request):
        pages = dashboards_for(request.user)
        body = [
            {
                "slug": p.slug,
                "title": p.title,
                "intro": p.intro,
                "url": reverse("admin:reporting_dashboard", args=[p.slug]),
            }
            for p in pages
        ]
        return Response(DashboardSerializer(body, many=True).data)


def _error(message: str, code: int, request_id: str) -> Response:
    return Response({"detail": message}, status=code, headers={HEADER: request_id})
