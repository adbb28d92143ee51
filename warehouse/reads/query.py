"""What a caller may ask of the warehouse: one table, columns, aggregates, filters, order, limit.

A structured query, not SQL: the read path validates every name against the catalog before
anything reaches the engine, and compiles the query itself with masking and row filters inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa
from django.core.exceptions import PermissionDenied

AggregateFunction = Literal["count", "count_distinct", "sum", "avg", "min", "max", "median", "p90"]
FilterOp = Literal["=", "!=", "<", "<=", ">", ">=", "in", "between", "is_null", "not_null"]


@dataclass(frozen=True)
class Aggregate:
    function: AggregateFunction
    column: str | None  # None only for count(*)
    alias: str


@dataclass(frozen=True)
class Filter:
    column: str
    op: FilterOp
    value: Any = None  # a list for `in`, a pair for `between`, nothing for the null tests


@dataclass(frozen=True)
class ReadQuery:
    table: str  # the engine's `dataset.table`, e.g. "marts.mart_revenue_monthly"
    columns: tuple[str, ...] = ()  # plain columns (the group-by keys when aggregates are given); () = all
    aggregates: tuple[Aggregate, ...] = ()
    filters: tuple[Filter, ...] = ()
    order_by: tuple[str, ...] = ()  # column names or aggregate aliases; "-name" descending
    limit: int | None = None


@dataclass
class ReadResult:
    data: pa.Table
    masked: dict[str, str] = field(default_factory=dict)  # column -> masking method applied
    log: Any = None  # the AccessLog row written for this read
    truncated: bool = False  # more rows matched than the limit (the caller's, else 100,000): `data` is cut


class ReadDenied(PermissionDenied):
    """The user may not read this table (logged as a denied read)."""


class ReadInvalid(ValueError):
    """The query names an unknown table, column or operation; refused before the engine."""
