"""Reads: impact analysis and the lineage graph, on top of the database walks in `impact`."""

from django.conf import settings
from django.db.models import Func, IntegerField, TextField
from django.db.models.functions import Cast
from django.urls import reverse

from catalog.impact import walk
from catalog.models import Column, Dataset, LineageEdge, LineageEvent
from catalog.services.warehouse_levels import warehouse_level_gaps
from catalog.svg import lineage_svg

# The warehouse's tables and columns without a level, for the admin and dashboards.
__all__ = ["dataset_graph", "impact_get", "lineage_event_body", "warehouse_level_gaps"]

KINDS = {"dataset": Dataset, "column": Column}


def _label(obj) -> str:
    return str(obj)


def impact_get(*, kind: str, start, direction: str, depth=None, max_nodes=None) -> dict:
    """Upstream or downstream nodes of a dataset or column, nearest first, with truncation flags."""
    result = walk(kind, start.pk, direction, depth, max_nodes)
    queryset = KINDS[kind].objects.select_related("dataset") if kind == "column" else Dataset.objects
    objects = queryset.in_bulk(list(result.depths))
    return {
        "kind": kind,
        "start": {"id": start.pk, "name": _label(start)},
        "direction": direction,
        "depth": result.max_depth,
        "max_nodes": result.max_nodes,
        "truncated": result.truncated,
        "truncated_by_depth": result.truncated_by_depth,
        "truncated_by_node_cap": result.truncated_by_node_cap,
        "nodes": [
            {"id": node, "name": _label(objects[node]), "depth": hops}
            for node, hops in result.depths.items()
            if node in objects
        ],
    }


def dataset_graph(*, dataset: Dataset, depth: int = 2, max_nodes: int = 60) -> dict:
    """Upstream and downstream of a dataset, with the edges between them and an SVG drawing."""
    up = walk("dataset", dataset.pk, "upstream", depth, max_nodes)
    down = walk("dataset", dataset.pk, "downstream", depth, max_nodes)
    layer = {dataset.pk: 0} | {n: -d for n, d in up.depths.items()} | {n: d for n, d in down.depths.items()}
    datasets = Dataset.objects.in_bulk(list(layer))
    edges = list(
        LineageEdge.objects.filter(input_dataset_id__in=layer, output_dataset_id__in=layer)
        .values_list("input_dataset_id", "output_dataset_id")
        .distinct()
    )
    nodes = {pk: (str(datasets[pk]), layer[pk]) for pk in layer if pk in datasets}
    svg = lineage_svg(nodes, edges, lambda pk: reverse("admin:catalog_dataset_change", args=[pk]), dataset.pk)
    return {
        "upstream": [(datasets[n], d) for n, d in up.depths.items() if n in datasets],
        "downstream": [(datasets[n], d) for n, d in down.depths.items() if n in datasets],
        "truncated": up.truncated or down.truncated,
        "svg": svg,
    }


class _OctetLength(Func):
    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))", **extra)


def lineage_event_body(*, event: LineageEvent) -> tuple[dict | None, int]:
    """(the stored event, its size in bytes); the event is None when it is over the response limit.

    The size is measured in the database, so an oversized body is never loaded into memory.
    """
    sized = LineageEvent.objects.filter(pk=event.pk).annotate(size=_OctetLength(Cast("payload", TextField())))
    size = sized.values_list("size", flat=True).get()
    if size > settings.CATALOG_LINEAGE_MAX_PAYLOAD_RESPONSE_BYTES:
        return None, size
    return LineageEvent.objects.values_list("payload", flat=True).get(pk=event.pk), size
