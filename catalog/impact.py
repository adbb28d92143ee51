"""Lineage walks in the database: recursive CTEs that run unchanged on PostgreSQL and SQLite.

A walk follows edges from one start node up to `max_depth` hops and returns at most
`max_nodes` nodes, nearest first. It goes one hop further than asked, only to learn whether
the depth limit cut anything off; both limits are reported as truncation, never hidden.
"""

from dataclasses import dataclass, field

from django.db import connection

from catalog.models import Column, ColumnLineageEdge, Dataset, LineageEdge

DEFAULT_DEPTH = 3
MAX_DEPTH = 20
DEFAULT_MAX_NODES = 500
MAX_NODES = 5000


@dataclass
class Walk:
    start: int
    direction: str
    max_depth: int
    max_nodes: int
    depths: dict[int, int] = field(default_factory=dict)  # node id -> hops from the start
    truncated_by_depth: bool = False
    truncated_by_node_cap: bool = False

    @property
    def truncated(self) -> bool:
        return self.truncated_by_depth or self.truncated_by_node_cap


def _table(model, src: str, dst: str, direction: str):
    table = model._meta.db_table
    return (
        (table, f"{src}_id", f"{dst}_id") if direction == "downstream" else (table, f"{dst}_id", f"{src}_id")
    )


def _current(kind: str, node: str) -> str:
    """SQL condition: `node` is a dataset (or a column of a dataset) that is not marked removed.

    Removed datasets and columns keep their edges for history; current lineage and impact
    analysis step around them.
    """
    datasets = Dataset._meta.db_table
    if kind == "dataset":
        # our own table and column names
        return f"{node} IN (SELECT id FROM {datasets} WHERE removed_at IS NULL)"  # noqa: S608 # nosec B608
    columns = Column._meta.db_table
    live = "c.removed_at IS NULL AND d.removed_at IS NULL"
    join = f"{columns} c JOIN {datasets} d ON d.id = c.dataset_id"
    return f"{node} IN (SELECT c.id FROM {join} WHERE {live})"  # noqa: S608 # nosec B608 # our own names


def _walk_sql(table: str, frm: str, to: str, node_filter: str) -> str:
    # UNION (not UNION ALL) drops repeated (node, depth) pairs, which bounds the work on DAGs
    # with many paths; the depth bound stops cycles.
    return f"""
        WITH RECURSIVE walk(node, depth) AS (
            SELECT CAST(%s AS BIGINT), 0
            UNION
            SELECT e.{to}, w.depth + 1 FROM {table} e JOIN walk w ON e.{frm} = w.node
            WHERE w.depth < %s AND {node_filter}
        )
        SELECT node, MIN(depth) AS hops FROM walk WHERE node <> %s
        GROUP BY node ORDER BY hops, node LIMIT %s
    """  # noqa: S608 # nosec B608 # table and column names are ours, values are parameters


def _clamp(value, default, upper) -> int:
    try:
        value = int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise ValueError("depth and max_nodes must be whole numbers") from None
    if value < 1:
        raise ValueError("depth and max_nodes must be at least 1")
    return min(value, upper)


def walk(kind: str, start: int, direction: str = "downstream", depth=None, max_nodes=None) -> Walk:
    """Nodes reached from `start` ('dataset' or 'column' ids) following lineage `direction`."""
    if direction not in ("downstream", "upstream"):
        raise ValueError("direction must be 'downstream' or 'upstream'")
    depth = _clamp(depth, DEFAULT_DEPTH, MAX_DEPTH)
    max_nodes = _clamp(max_nodes, DEFAULT_MAX_NODES, MAX_NODES)
    if kind == "dataset":
        table, frm, to = _table(LineageEdge, "input_dataset", "output_dataset", direction)
    else:
        table, frm, to = _table(ColumnLineageEdge, "input_column", "output_column", direction)
    with connection.cursor() as cursor:
        sql = _walk_sql(table, frm, to, _current(kind, f"e.{to}"))
        cursor.execute(sql, [start, depth + 1, start, max_nodes + 1])
        rows = cursor.fetchall()
    result = Walk(start=start, direction=direction, max_depth=depth, max_nodes=max_nodes)
    within = [(node, hops) for node, hops in rows if hops <= depth]
    result.truncated_by_depth = len(within) < len(rows)  # something lies one hop further
    result.truncated_by_node_cap = len(within) > max_nodes
    result.depths = dict(within[:max_nodes])
    return result


def propagation_walk(column_id: int, max_depth: int = 10, max_nodes: int = 1000) -> list[tuple]:
    """Downstream columns that carry a column's values: (node, hops, parent column, job).

    Only DIRECT edges that neither mask (hash, tokenise) nor aggregate pass the values on.
    """
    table = ColumnLineageEdge._meta.db_table
    sql = f"""
        WITH RECURSIVE walk(node, depth, parent, job) AS (
            SELECT CAST(%s AS BIGINT), 0, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)
            UNION
            SELECT e.output_column_id, w.depth + 1, e.input_column_id, e.job_id
            FROM {table} e JOIN walk w ON e.input_column_id = w.node
            WHERE w.depth < %s AND e.masking = %s AND e.transformation_type = 'DIRECT'
              AND e.subtype <> 'AGGREGATION' AND {_current("column", "e.output_column_id")}
        )
        SELECT node, depth, parent, job FROM walk WHERE depth > 0 ORDER BY depth, node LIMIT %s
    """  # noqa: S608 # nosec B608 # our own table's name, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [column_id, max_depth, False, max_nodes])
        return cursor.fetchall()
