"""OpenLineage HTTP endpoints: `POST /api/v1/lineage` and `POST /api/v1/lineage/batch`.

They sit where OpenLineage's HTTP transport posts by default. The body is read by hand, with a
size limit checked before anything is parsed, so an oversized body is refused cheaply.
"""

import json

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.openlineage.limits import parse_int
from catalog.services import LineageEventInvalid, lineage_batch_ingest, lineage_event_ingest

LIMITS = (
    "Limits (each breach is a 400 naming the field; nothing is stored): request body "
    f"{settings.CATALOG_LINEAGE_MAX_BODY_BYTES} bytes (413), one event "
    f"{settings.CATALOG_LINEAGE_MAX_EVENT_BYTES} bytes, one facet {settings.CATALOG_LINEAGE_MAX_FACET_BYTES} "
    f"bytes, nesting {settings.CATALOG_LINEAGE_MAX_DEPTH} levels; job and dataset namespace 500 and name "
    "1,000 characters; column names 500, column types 200, transformation subtype 30 characters, "
    "transformation type DIRECT or INDIRECT; rowCount 0..2^63-1, ordinal_position 0..2^31-1; numbers "
    "finite, integers within 64 bits; no NUL or unpaired surrogate in any text. See docs/catalog.md."
)
RESULT = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["created", "duplicate"]},
        "event_id": {"type": "integer"},
    },
}


class CanIngestLineage(permissions.BasePermission):
    message = "Sending lineage needs the catalog.add_lineageevent permission."

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.has_perm("catalog.add_lineageevent")


class BodyRefused(Exception):
    def __init__(self, response):
        self.response = response


def _json_body(request):
    limit = settings.CATALOG_LINEAGE_MAX_BODY_BYTES
    refused = Response(
        {"detail": f"Request body exceeds the limit of {limit} bytes; nothing was stored."},
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise BodyRefused(refused)
    raw = request._request.read(limit + 1)
    if len(raw) > limit:
        raise BodyRefused(refused)
    try:
        return json.loads(raw, parse_int=parse_int)
    except RecursionError:
        detail = (
            f"The JSON is nested deeper than {settings.CATALOG_LINEAGE_MAX_DEPTH} levels; nothing was stored."
        )
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        detail = f"Malformed JSON: {error}; nothing was stored."
    raise BodyRefused(Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST))


class LineageView(APIView):
    """Receive one OpenLineage RunEvent. 201 when new, 200 when the same event came before."""

    permission_classes = [CanIngestLineage]

    @extend_schema(
        description=f"Store one OpenLineage RunEvent (201 new, 200 a repeat of a stored event). {LIMITS}",
        request={"application/json": {"type": "object"}},
        responses={
            201: OpenApiResponse(RESULT, description="stored"),
            200: OpenApiResponse(RESULT, description="the same event was stored before; nothing changed"),
        },
    )
    def post(self, request):
        try:
            event = _json_body(request)
        except BodyRefused as refused:
            return refused.response
        try:
            result = lineage_event_ingest(event=event, actor=request.user)
        except LineageEventInvalid as invalid:
            return Response(
                {"detail": "Invalid OpenLineage event; nothing was stored.", "errors": invalid.errors}, 400
            )
        body = {"status": "created" if result.created else "duplicate", "event_id": result.event.pk}
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class LineageBatchView(APIView):
    """Receive a JSON array of RunEvents; each is stored or refused on its own."""

    permission_classes = [CanIngestLineage]

    @extend_schema(
        description="Store a JSON array of RunEvents, each on its own; the answer reports each "
        f"(400 when none was stored). {LIMITS}",
        request={"application/json": {"type": "array", "items": {"type": "object"}}},
        responses={
            200: OpenApiResponse({"type": "object"}, description="per-event results"),
            400: OpenApiResponse({"type": "object"}, description="no event was stored; per-event results"),
        },
    )
    def post(self, request):
        try:
            body = _json_body(request)
        except BodyRefused as refused:
            return refused.response
        events = body.get("events") if isinstance(body, dict) else body
        if not isinstance(events, list):
            return Response({"detail": "The body must be a JSON array of OpenLineage events."}, 400)
        report = lineage_batch_ingest(events=events, actor=request.user)
        code = status.HTTP_400_BAD_REQUEST if report["status"] == "failure" else status.HTTP_200_OK
        return Response(report, status=code)
