"""The saved-reports API (read-only): the reports visible to the caller, and one as CSV read
through the governed path as the caller. Needs `reporting.view_savedreport`, like the admin list."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from accounts.people import person_name
from reporting.metric_layer import metric_layer
from reporting.models import SavedReport
from reporting.reports.build import dimension_label
from reporting.reports.pdf import render_csv
from reporting.reports.saved import report_spec, saved_report_get, saved_report_list
from reporting.reports.services import report_document
from reporting.reports.spec import ReportInvalid
from warehouse.reads.models import AccessLog
from warehouse.reads.request_ids import request_id_for


class SavedReportSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    metrics = serializers.SerializerMethodField()
    dimension_label = serializers.SerializerMethodField()
    shared_with_roles = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    shared_with_organizations = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    export_csv = serializers.SerializerMethodField()

    class Meta:
        model = SavedReport
        fields = [
            "id",
            "name",
            "description",
            "owner",
            "metrics",
            "dimension",
            "dimension_label",
            "filters",
            "grain",
            "period",
            "start",
            "end",
            "shared_with_roles",
            "shared_with_organizations",
            "updated_at",
            "export_csv",
        ]

    def get_owner(self, obj) -> str:
        return person_name(obj.owner)

    def get_metrics(self, obj) -> list[dict]:
        """Each metric by name and label; a metric no longer in the layer says so."""
        layer = metric_layer().metrics
        return [
            {"name": n, "label": layer[n].label if n in layer else n, "removed": n not in layer}
            for n in obj.metrics
        ]

    def get_dimension_label(self, obj) -> str:
        return dimension_label(obj.dimension) if obj.dimension else ""

    def get_export_csv(self, obj) -> str:
        return reverse("reporting-api:report-export-csv", args=[obj.pk])


class SavedReportListView(ListAPIView):
    """The saved reports the caller owns or that are shared with their role or organisation."""

    serializer_class = SavedReportSerializer
    queryset = SavedReport.objects.none()  # for the permission class's model; reads use get_queryset
    search_fields = ["name", "description"]
    ordering_fields = ["name", "updated_at"]

    def get_queryset(self):
        return saved_report_list(self.request.user)


class SavedReportCsvView(GenericAPIView):
    queryset = SavedReport.objects.none()
    filter_backends = []

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(description="Each metric's table under its heading."),
            400: OpenApiResponse(description="The report cannot be read (a removed metric, a refused read)."),
            404: OpenApiResponse(description="No such report visible to the caller."),
        }
    )
    def get(self, request, pk):
        report = saved_report_get(request.user, pk)
        try:
            document = report_document(
                report_spec(report),
                user=request.user,
                purpose=AccessLog.Purpose.API,
                request_id=request_id_for(request),
            )
        except ReportInvalid as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        response = HttpResponse(render_csv(document), content_type="text/csv; charset=utf-8")
        filename = f"{slugify(report.name) or 'report'}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
