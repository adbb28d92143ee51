"""The warehouse read API: which tables the caller may read, and a governed query over one of them.

Thin: parse the body into a `ReadQuery`, call `governed_read` (purpose "api", the request's id),
answer rows as JSON. Who may read what, masking and row filters are decided in the read path;
nothing here looks at roles.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from warehouse.engine import EngineError
from warehouse.reads.models import AccessLog
from warehouse.reads.query import Aggregate, Filter, ReadDenied, ReadInvalid, ReadQuery
from warehouse.reads.request_ids import HEADER, request_id_for
from warehouse.reads.service import governed_read
from warehouse.reads.table_columns import readable_table_list

DEFAULT_LIMIT = 1_000
MAX_LIMIT = 10_000
AGGREGATE_FUNCTIONS = ["count", "count_distinct", "sum", "avg", "min", "max", "median", "p90"]
FILTER_OPS = ["=", "!=", "<", "<=", ">", ">=", "in", "between", "is_null", "not_null"]


class TableColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    level = serializers.CharField(help_text='"L0".."L4", or "unclassified" (masked as L4).')
    masked = serializers.BooleanField(help_text="Masked for you: above your clearance.")
    masking = serializers.CharField(help_text='How it is masked for you ("hash", "partial", "null"), or "".')


class TableSerializer(serializers.Serializer):
    table = serializers.CharField(help_text="The engine's `schema.table`, as a query names it.")
    layer = serializers.CharField()
    clearance = serializers.CharField(help_text="The highest level you read in clear.")
    row_filter = serializers.CharField(help_text='"none", or "own_organization" (your organisation\'s rows).')
    columns = TableColumnSerializer(many=True)


class AggregateSerializer(serializers.Serializer):
    function = serializers.ChoiceField(AGGREGATE_FUNCTIONS)
    column = serializers.CharField(required=False, allow_null=True, help_text="Omit for count(*).")
    alias = serializers.RegexField(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class FilterSerializer(serializers.Serializer):
    column = serializers.CharField()
    op = serializers.ChoiceField(FILTER_OPS)
    value = serializers.JSONField(
        required=False, allow_null=True, help_text="A list for `in`, a pair for `between`, none for nulls."
    )


class QuerySerializer(serializers.Serializer):
    table = serializers.CharField(help_text="`schema.table`, e.g. marts.mart_revenue_monthly.")
    columns = serializers.ListField(
        child=serializers.CharField(), required=False, default=list,
        help_text="Plain columns (the group-by keys with aggregates); empty: every column.",
    )  # fmt: skip
    aggregates = AggregateSerializer(many=True, required=False, default=list)
    filters = FilterSerializer(many=True, required=False, default=list)
    order_by = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text='"-name" sorts descending.'
    )
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)

    def to_query(self) -> ReadQuery:
        data = self.validated_data
        return ReadQuery(
            table=data["table"],
            columns=tuple(data["columns"]),
            aggregates=tuple(_aggregate(a) for a in data["aggregates"]),
            filters=tuple(Filter(f["column"], f["op"], _plain(f.get("value"))) for f in data["filters"]),
            order_by=tuple(data["order_by"]),
            limit=data["limit"],
        )


class ResultSerializer(serializers.Serializer):
    table = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.DictField(), help_text="One object per row.")
    row_count = serializers.IntegerField()
    masked = serializers.DictField(child=serializers.CharField(), help_text="Masked column -> method.")
    truncated = serializers.BooleanField(
        help_text="More rows matched than `limit`: `rows` holds the first `limit` of them."
    )
    request_id = serializers.CharField(help_text="Also in the X-Request-ID header; on the access log row.")


def _aggregate(data) -> Aggregate:
    return Aggregate(data["function"], data.get("column"), data["alias"])


def _plain(value):
    """JSON lists become tuples: the query types are frozen (hashable) values."""
    return tuple(value) if isinstance(value, list) else value


def _error(message: str, code: int, request_id: str) -> Response:
    return Response({"detail": message}, status=code, headers={HEADER: request_id})


class TableListView(APIView):
    """Warehouse tables you may read, with your clearance, row filter and each column's masking."""

    permission_classes = [IsAuthenticated]  # what each user may read is the access policies' answer

    @extend_schema(responses=TableSerializer(many=True))
    def get(self, request):
        return Response(TableSerializer(readable_table_list(request.user), many=True).data)


class QueryView(APIView):
    """Run a structured query on one table through the governed read path (logged, masked)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=QuerySerializer,
        responses={
            200: ResultSerializer,
            400: OpenApiResponse(description="Invalid body, or an unknown table, column or operation."),
            403: OpenApiResponse(description="Your access policies do not let you read this table."),
            502: OpenApiResponse(description="The warehouse failed to run the query."),
        },
    )
    def post(self, request):
        request_id = request_id_for(request)
        form = QuerySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        query = form.to_query()
        try:
            result = governed_read(
                user=request.user, purpose=AccessLog.Purpose.API, query=query, request_id=request_id
            )
        except ReadInvalid as error:
            return _error(str(error), status.HTTP_400_BAD_REQUEST, request_id)
        except ReadDenied as error:
            return _error(str(error), status.HTTP_403_FORBIDDEN, request_id)
        except EngineError:
            return _error("The warehouse could not run this query; it is logged.", 502, request_id)
        body = {
            "table": query.table,
            "columns": result.data.column_names,
            "rows": result.data.to_pylist(),
            "row_count": result.data.num_rows,
            "masked": result.masked,
            "truncated": result.truncated,
            "request_id": request_id,
        }
        return Response(body, headers={HEADER: request_id})
