"""Checks of one table compiled into as few queries as possible (plain Python, no Django).

Every check that can be answered by an aggregate becomes a few expressions of ONE select over the
table, so a table is scanned once however many checks it has:

    select count(*) as n, count("email") as c0, count("id") as c1,
           bit_count(bitstring_agg("id", $lo1, $hi1)) as d1,
           sum(case when "status" not in ($v2_0, $v2_1) then 1 else 0 end) as f2, max("ts") as x3
    from "cleansed"."stg_users"

Uniqueness is the expensive part (an exact distinct count). On DuckDB an integer column whose
range is known (`bounds`, from a min/max query that DuckDB answers from its statistics) is counted
with a bitmap of its values, exact and about 15x faster than hashing them (10M ids: 0.09 s against
1.4 s); any other column gets `count(distinct …)` in a query of its own, because beside the other
aggregates it takes DuckDB off its fast path (10M rows under load: 17-21 s together, 2.2 s +
7-9 s apart, with the first version of benchmarks/quality_checks.py). Referential integrity and
custom SQL read other tables or queries of their own, so each is one more query. Values are bound
parameters; names go through the engine's identifier quoting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from warehouse.engine import quote_identifier

SAMPLE_ROWS = 5
BITMAP_MAX_RANGE = 1 << 26  # 64M values = an 8 MB bitmap per thread; wider ranges hash instead
SCAN_TYPES = {"row_count", "volume_change", "not_null", "unique", "accepted_values", "range", "freshness"}
FAILING_ROW_TYPES = {"not_null", "unique", "accepted_values", "range", "referential", "custom_sql"}


class CheckDefinitionError(ValueError):
    """A check whose parameters cannot be compiled; the message says what to fix."""


@dataclass(frozen=True)
class Spec:
    """What the compiler needs of a check: its id, type, column and parameters."""

    key: int
    check_type: str
    column: str = ""
    params: dict = field(default_factory=dict)


@dataclass
class Plan:
    """The queries answering every check of one table."""

    scan_sql: str
    params: dict
    single: dict[int, tuple[str, dict]] = field(default_factory=dict)  # referential / custom SQL counts
    distinct: dict[int, str] = field(default_factory=dict)  # unique check → its count(distinct) query
    invalid: dict[int, str] = field(default_factory=dict)  # check id → what is wrong with its definition


class Compiler:
    def __init__(self, relation: str, dialect: str):
        self.relation, self.dialect = relation, dialect

    def q(self, name: str) -> str:
        return quote_identifier(name, self.dialect)

    def plan(
        self,
        specs: list[Spec],
        related: dict[int, str] | None = None,
        bounds: dict[int, tuple[int, int]] | None = None,
    ) -> Plan:
        """`related`: check id → the quoted relation a referential check points at; `bounds`: unique
        check id → (min, max) of its integer column, counted with a bitmap (DuckDB only)."""
        select, params, single, invalid = ["count(*) as n"], {}, {}, {}
        distinct: dict[int, str] = {}
        for spec in specs:
            try:
                if spec.check_type == "unique":
                    select += self._unique(spec, params, (bounds or {}).get(spec.key), distinct)
                elif spec.check_type in SCAN_TYPES:
                    select += self._aggregates(spec, params)
                elif spec.check_type == "referential":
                    single[spec.key] = (self._orphan_count(spec, related), {})
                elif spec.check_type == "custom_sql":
                    single[spec.key] = (f"select count(*) as f from ({self.custom_query(spec)}) as q", {})  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
            except CheckDefinitionError as exc:  # one bad definition must not stop the table's others
                invalid[spec.key] = str(exc)
        scan = f"select {', '.join(select)} from {self.relation}"  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
        return Plan(scan, params, single=single, distinct=distinct, invalid=invalid)

    def bounds_sql(self, specs: list[Spec]) -> str:
        """min and max of the unique checks' columns (DuckDB answers from statistics, no scan)."""
        parts = [f"min({self.q(s.column)}) as lo{s.key}, max({self.q(s.column)}) as hi{s.key}" for s in specs]
        return f"select {', '.join(parts)} from {self.relation}"  # noqa: S608 # nosec B608 # names quoted by the engine, values bound

    def _unique(self, spec: Spec, params: dict, bounds, distinct: dict[int, str]) -> list[str]:
        if not spec.column:
            raise CheckDefinitionError("A unique check needs a column.")
        c, k = self.q(spec.column), spec.key
        low, high = bounds if bounds and None not in bounds else (None, None)
        if low is not None and self.dialect == "duckdb" and high - low < BITMAP_MAX_RANGE:
            params[f"lo{k}"], params[f"hi{k}"] = low, high
            return [f"count({c}) as c{k}", f"bit_count(bitstring_agg({c}, $lo{k}, $hi{k})) as d{k}"]
        distinct[k] = f"select count({c}) as c{k}, count(distinct {c}) as d{k} from {self.relation}"  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
        return []

    def _aggregates(self, spec: Spec, params: dict) -> list[str]:
        k, col = spec.key, spec.column
        if spec.check_type in {"row_count", "volume_change"}:
            return []  # count(*) is already selected
        if not col:
            raise CheckDefinitionError(f"A {spec.check_type} check needs a column.")
        c = self.q(col)
        if spec.check_type == "not_null":
            return [f"count({c}) as c{k}"]
        if spec.check_type == "freshness":
            return [f"max({c}) as x{k}"]
        failing = f"sum(case when {self.failing_predicate(spec, params)} then 1 else 0 end) as f{k}"
        if spec.check_type == "accepted_values":  # min/max of text costs a third of the scan, says little
            return [failing]
        return [failing, f"min({c}) as lo{k}", f"max({c}) as hi{k}"]

    def failing_predicate(self, spec: Spec, params: dict, related: dict[int, str] | None = None) -> str:
        """A condition true for the table's failing rows (alias `t` where a subquery needs it)."""
        c, k, p = self.q(spec.column), spec.key, spec.params
        if spec.check_type == "not_null":
            return f"{c} is null"
        if spec.check_type == "unique":
            return f"{c} in (select {c} from {self.relation} group by {c} having count(*) > 1)"  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
        if spec.check_type == "accepted_values":
            values = p.get("values")
            if not isinstance(values, list) or not values:
                raise CheckDefinitionError("accepted_values needs `values`: a non-empty list.")
            names = []
            for i, value in enumerate(values):
                params[f"v{k}_{i}"] = value
                names.append(f"$v{k}_{i}")
            return f"{c} is not null and {c} not in ({', '.join(names)})"
        if spec.check_type == "range":
            parts = []
            for bound, op in (("min", "<"), ("max", ">")):
                if p.get(bound) is not None:
                    params[f"{bound}{k}"] = p[bound]
                    parts.append(f"{c} {op} ${bound}{k}")
            if not parts:
                raise CheckDefinitionError("range needs `min`, `max` or both.")
            return f"({' or '.join(parts)})"
        if spec.check_type == "referential":
            return self._orphan(spec, related)
        raise CheckDefinitionError(f"{spec.check_type} has no failing rows.")

    def _orphan(self, spec: Spec, related: dict[int, str] | None) -> str:
        target = (related or {}).get(spec.key)
        to_column = spec.params.get("to_column") or spec.column
        if not target or not spec.column:
            raise CheckDefinitionError(
                "referential needs a column, `to` (a catalogued dataset) and `to_column`."
            )
        c = f"t.{self.q(spec.column)}"
        return (
            f"{c} is not null and not exists (select 1 from {target} as r where r.{self.q(to_column)} = {c})"  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
        )

    def _orphan_count(self, spec: Spec, related: dict[int, str] | None) -> str:
        """Rows without a match, as an anti-join: 0.67 s against 0.83 s for `not exists` on 10M
        rows (1.7 s against 2.7-3.0 s under load). Exact when the target repeats keys too: only
        the unmatched rows are counted, and each of those joins to one null row."""
        self._orphan(spec, related)  # validates the definition
        c, to = self.q(spec.column), self.q(spec.params.get("to_column") or spec.column)
        return (
            f"select count(*) as f from {self.relation} as t left join {related[spec.key]} as r"  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
            f" on r.{to} = t.{c} where t.{c} is not null and r.{to} is null"
        )

    def custom_query(self, spec: Spec) -> str:
        sql = (spec.params.get("sql") or "").strip().rstrip(";")
        if not sql.lower().startswith(("select", "with")) or ";" in sql:
            raise CheckDefinitionError(
                "custom_sql needs `sql`: one SELECT (or WITH) statement returning failing rows."
            )
        return sql.replace("{table}", self.relation)

    def sample_sql(
        self, spec: Spec, columns: list[str], masks: dict[str, str], related=None
    ) -> tuple[str, dict]:
        """Up to five failing rows; `masks` maps a column to its masking expression template."""
        shown = ", ".join(
            masks.get(name, "{}").format(f"s.{self.q(name)}") + f" as {self.q(name)}" for name in columns
        )
        if spec.check_type == "custom_sql":
            return f"select {shown} from ({self.custom_query(spec)}) as s limit {SAMPLE_ROWS}", {}  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
        params: dict = {}
        where = self.failing_predicate(spec, params, related)
        inner = f"select * from {self.relation} as t where {where} limit {SAMPLE_ROWS}"  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
        return f"select {shown} from ({inner}) as s", params  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
