"""A validated ReadQuery -> SQL for DuckDB or BigQuery, masking and row filter inside the query.

Every name is checked against the catalog and quoted; every value is a bound parameter (`$pN`;
the BigQuery backend turns `$name` into `@name`). A column above the reader's clearance is
replaced by its masking expression wherever it appears (select list, group by, filters,
aggregates), so neither the result nor a filter or an aggregate ever sees the clear value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from warehouse.engine.identifiers import quote_identifier
from warehouse.reads.catalog_lookup import CatalogColumn, CatalogTable
from warehouse.reads.masking import HASH, NULL, mask_sql, masking_method, token_column
from warehouse.reads.query import Aggregate, Filter, ReadInvalid, ReadQuery

MAX_ROWS = 100_000
MAX_IN_VALUES = 1_000
TENANT_COLUMN = "tenant_id"
COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}
NULL_TESTS = {"is_null": "is null", "not_null": "is not null"}
FILTER_OPS = COMPARISONS | {"in", "between"} | set(NULL_TESTS)
# Continuous (interpolated) quantiles on DuckDB; BigQuery has no aggregate PERCENTILE_CONT, so
# APPROX_QUANTILES stands in there: approximate, and always a value of the data.
QUANTILES = {"median": 0.5, "p90": 0.9}
AGGREGATES = {"count", "count_distinct", "sum", "avg", "min", "max", *QUANTILES}
NUMERIC_AGGREGATES = {"sum", "avg", *QUANTILES}
SCALARS = (str, int, float, bool, Decimal, date, datetime)
ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
# A catalog type goes into SQL text only if it looks like a type (stewards edit it).
FLOATING = re.compile(r"float|double|real", re.IGNORECASE)
SQL_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+(\s*,\s*\d+)?\s*\))?$")


@dataclass
class Compiled:
    sql: str
    params: dict[str, Any]
    masked: dict[str, str] = field(default_factory=dict)  # column -> method
    touched: list[CatalogColumn] = field(default_factory=list)  # every column read, in order
    hashes: bool = False  # the SQL hashes with the bound `token_key`
    limit: int = MAX_ROWS  # rows to return; the SQL asks for one more, to tell whether it was cut


@dataclass
class _Context:
    query: ReadQuery
    table: CatalogTable
    dialect: str
    clearance_level: int
    methods: dict[int, str]
    params: dict[str, Any] = field(default_factory=dict)
    masked: dict[str, str] = field(default_factory=dict)
    touched: dict[str, CatalogColumn] = field(default_factory=dict)
    hashes: bool = False

    def bind(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def column(self, name: str) -> CatalogColumn:
        column = self.table.columns.get(name) if isinstance(name, str) else None
        if column is None:
            raise ReadInvalid(
                f"Unknown column {name!r} in {self.table.engine_name}: the catalog lists no such column."
            )
        self.touched.setdefault(name, column)
        return column

    def expression(self, name: str) -> str:
        """The column as the reader may see it: clear, or masked as its level's policy says."""
        column = self.column(name)
        quoted = quote_identifier(name, self.dialect)
        method = masking_method(column.level, self.clearance_level, self.methods)
        if not method:
            return quoted
        self.masked[name] = method
        if method == HASH and name in self.table.tokens:  # the same token, computed once by dbt
            return quote_identifier(token_column(name), self.dialect)
        self.hashes = self.hashes or method == HASH
        return column_mask_sql(column, quoted, method, dialect=self.dialect)


def column_mask_sql(
    column: CatalogColumn, quoted: str, method: str, *, dialect: str, key_param="token_key"
) -> str:
    """`mask_sql` for a catalog column: its catalog type goes into the SQL only if it looks like one."""
    column_type = column.data_type if SQL_TYPE.match(column.data_type or "") else ""
    return mask_sql(quoted, method, dialect=dialect, column_type=column_type, key_param=key_param)


def compile_read(
    query: ReadQuery,
    *,
    table: CatalogTable,
    table_sql: str,
    dialect: str,
    clearance_level: int,
    methods: dict[int, str],
    tenant_id: int | None = None,
) -> Compiled:
    """SQL for `query`; ReadInvalid for anything the catalog or the rules below do not allow."""
    ctx = _Context(query, table, dialect, clearance_level, methods)
    limit = _limit(query.limit)
    if query.aggregates:
        select, outputs, group_by = _aggregate_select(ctx)
    else:
        select, outputs, group_by = _plain_select(ctx), set(query.columns or table.columns), []
    where = [_filter(ctx, f) for f in _filters(query.filters)]
    if tenant_id is not None:
        where.append(f"{quote_identifier(TENANT_COLUMN, dialect)} = {ctx.bind(tenant_id)}")
    sql = f"select {', '.join(select)} from {table_sql}"  # noqa: S608 # nosec B608 # quoted names, bound values
    if where:
        sql += " where " + " and ".join(where)
    if group_by:
        sql += " group by " + ", ".join(group_by)
    if query.order_by:
        sql += " order by " + ", ".join(_order(ctx, name, outputs) for name in query.order_by)
    sql += f" limit {limit + 1}"
    touched = list(ctx.touched.values())
    return Compiled(
        sql=sql, params=ctx.params, masked=ctx.masked, touched=touched, hashes=ctx.hashes, limit=limit
    )


def _limit(limit) -> int:
    if limit is None:
        return MAX_ROWS
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_ROWS:
        raise ReadInvalid(f"The limit must be a whole number from 1 to {MAX_ROWS:,} rows; got {limit!r}.")
    return limit


def _names(values, what: str) -> tuple:
    if isinstance(values, str) or not isinstance(values, (tuple, list)):
        raise ReadInvalid(f"{what} must be a list of names, got {values!r}.")
    if len(set(values)) != len(values):
        raise ReadInvalid(f"{what} names a column twice: {list(values)!r}.")
    return tuple(values)


def _plain_select(ctx: _Context) -> list[str]:
    names = _names(ctx.query.columns, "columns") or tuple(ctx.table.columns)
    return [f"{ctx.expression(n)} as {quote_identifier(n, ctx.dialect)}" for n in names]


def _aggregate_select(ctx: _Context):
    keys = _names(ctx.query.columns, "columns")
    group_by = [ctx.expression(n) for n in keys]
    select = [f"{expr} as {quote_identifier(n, ctx.dialect)}" for n, expr in zip(keys, group_by, strict=True)]
    outputs = set(keys)
    for aggregate in ctx.query.aggregates:
        if not isinstance(aggregate, Aggregate):
            raise ReadInvalid(f"Not an aggregate: {aggregate!r}.")
        if (
            not isinstance(aggregate.alias, str)
            or not ALIAS.match(aggregate.alias)
            or aggregate.alias in outputs
        ):
            raise ReadInvalid(
                f"Aggregate alias {aggregate.alias!r} must be a unique name"
                " of letters, digits and underscores."
            )
        outputs.add(aggregate.alias)
        select.append(f"{_aggregate(ctx, aggregate)} as {quote_identifier(aggregate.alias, ctx.dialect)}")
    return select, outputs, group_by


def _aggregate(ctx: _Context, aggregate: Aggregate) -> str:
    function = aggregate.function
    if not isinstance(function, str) or function not in AGGREGATES:
        raise ReadInvalid(
            f"Unknown aggregate function {function!r}; use one of {', '.join(sorted(AGGREGATES))}."
        )
    if aggregate.column is None:
        if function != "count":
            raise ReadInvalid(f"{function} needs a column; only count may count rows.")
        return "count(*)"
    if function == "count_distinct" and _hash_counts_alike(ctx, aggregate.column):
        ctx.masked[aggregate.column] = HASH
        return f"count(distinct {quote_identifier(aggregate.column, ctx.dialect)})"
    expr = ctx.expression(aggregate.column)
    method = ctx.masked.get(aggregate.column)
    if function in NUMERIC_AGGREGATES and method is not None and method != NULL:
        raise ReadInvalid(
            f"{function} of {aggregate.column} is not possible: the column is masked ({method}) for you."
        )
    if function == "count_distinct":
        return f"count(distinct {expr})"
    if function in QUANTILES:
        return _quantile(expr, QUANTILES[function], ctx.dialect)
    return f"{function}({expr})"


def _quantile(expr: str, fraction: float, dialect: str) -> str:
    if dialect == "bigquery":
        return f"approx_quantiles({expr}, 100)[offset({round(fraction * 100)})]"
    return f"quantile_cont({expr}, {fraction})"


def _hash_counts_alike(ctx: _Context, name: str) -> bool:
    """The keyed hash is one-to-one, so count(distinct hash(x)) = count(distinct x) (nulls left
    out by both): the count of a hash-masked column is taken on the stored values, without hashing
    every row. Not for floating-point types, whose 0.0 and -0.0 are one value but two texts."""
    column = ctx.column(name)
    method = masking_method(column.level, ctx.clearance_level, ctx.methods)
    return method == HASH and not FLOATING.search(column.data_type or "")


def _filters(filters) -> tuple:
    if isinstance(filters, str) or not isinstance(filters, (tuple, list)):
        raise ReadInvalid(f"filters must be a list of Filter, got {filters!r}.")
    for item in filters:
        if not isinstance(item, Filter):
            raise ReadInvalid(f"Not a filter: {item!r}.")
    return tuple(filters)


def _filter(ctx: _Context, item: Filter) -> str:
    if not isinstance(item.op, str) or item.op not in FILTER_OPS:
        raise ReadInvalid(f"Unknown filter operator {item.op!r}; use one of {', '.join(sorted(FILTER_OPS))}.")
    expr = ctx.expression(item.column)
    value = item.value
    if item.op in NULL_TESTS:
        if value is not None:
            raise ReadInvalid(f"{item.op} on {item.column} takes no value.")
        return f"{expr} {NULL_TESTS[item.op]}"
    if item.op == "in":
        values = _values(item, value, minimum=1, maximum=MAX_IN_VALUES)
        return f"{expr} in ({', '.join(ctx.bind(v) for v in values)})"
    if item.op == "between":
        low, high = _values(item, value, minimum=2, maximum=2)
        return f"{expr} between {ctx.bind(low)} and {ctx.bind(high)}"
    _scalar(item, value)
    return f"{expr} {'<>' if item.op == '!=' else item.op} {ctx.bind(value)}"


def _values(item: Filter, value, *, minimum: int, maximum: int) -> tuple:
    shape = "a pair of values" if minimum == maximum == 2 else f"a list of 1 to {maximum:,} values"
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ReadInvalid(f"{item.op} on {item.column} needs {shape}, got {value!r}.")
    if not minimum <= len(value) <= maximum:
        raise ReadInvalid(f"{item.op} on {item.column} needs {shape}, got {len(value)}.")
    for v in value:
        _scalar(item, v)
    return tuple(value)


def _scalar(item: Filter, value) -> None:
    if value is None or not isinstance(value, SCALARS):
        raise ReadInvalid(
            f"{item.op} on {item.column} needs a text, number, boolean or date value, got {value!r}"
            " (use is_null / not_null to test for missing values)."
        )


def _order(ctx: _Context, name, outputs: set[str]) -> str:
    if not isinstance(name, str):
        raise ReadInvalid(f"order_by takes names, got {name!r}.")
    descending = name.startswith("-")
    bare = name.removeprefix("-")
    if bare not in outputs:
        raise ReadInvalid(f"Cannot order by {bare!r}: order by one of the columns or aggregates read.")
    return quote_identifier(bare, ctx.dialect) + (" desc" if descending else "")
