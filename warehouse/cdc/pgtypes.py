"""PostgreSQL types → Arrow types, and pgoutput's text values → Python values.

Every integer type lands as int64 so that widening a column (int → bigint) keeps the lake's
type; bounded numerics land as decimals with their precision, other unknown types as text.
Times are UTC without zone, like the rest of the raw lake. Values stay text until a whole
column is converted by Arrow at once (much faster than per value in Python).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

INTEGER = {20, 21, 23, 26}  # int8, int2, int4, oid
FLOAT = {700, 701}
BOOL = 16
NUMERIC = 1700
DATE = 1082
TIMESTAMP = 1114
TIMESTAMPTZ = 1184
VARCHAR = 1043
BPCHAR = 1042
TS = pa.timestamp("us")

TYPE_NAMES = {
    16: "boolean",
    20: "bigint",
    21: "smallint",
    23: "integer",
    25: "text",
    26: "oid",
    114: "json",
    700: "real",
    701: "double precision",
    1042: "character",
    1043: "character varying",
    1082: "date",
    1114: "timestamp",
    1184: "timestamptz",
    1700: "numeric",
    2950: "uuid",
    3802: "jsonb",
}


def type_label(type_oid: int, typmod: int) -> str:
    """A readable type, with its length or precision (what a widening changes)."""
    name = TYPE_NAMES.get(type_oid, f"oid {type_oid}")
    if type_oid in (VARCHAR, BPCHAR) and typmod > 4:
        return f"{name}({typmod - 4})"
    if type_oid == NUMERIC and typmod > 4:
        precision, scale = _numeric_mod(typmod)
        return f"numeric({precision},{scale})"
    return name


def _numeric_mod(typmod: int) -> tuple[int, int]:
    raw = typmod - 4
    return (raw >> 16) & 0xFFFF, raw & 0xFFFF


def arrow_type(type_oid: int, typmod: int) -> pa.DataType:
    if type_oid in INTEGER:
        return pa.int64()
    if type_oid in FLOAT:
        return pa.float64()
    if type_oid == BOOL:
        return pa.bool_()
    if type_oid == DATE:
        return pa.date32()
    if type_oid in (TIMESTAMP, TIMESTAMPTZ):
        return TS
    if type_oid == NUMERIC and typmod > 4:
        precision, scale = _numeric_mod(typmod)
        return pa.decimal128(min(precision, 38), scale)
    return pa.string()


def from_text(texts: pa.Array, type_oid: int, typmod: int) -> pa.Array:
    """PostgreSQL's text output of one column → the Arrow type of `arrow_type`, vectorised."""
    if type_oid == BOOL:
        return pc.equal(texts, "t")
    if type_oid == TIMESTAMPTZ:
        return pc.cast(pc.cast(texts, pa.timestamp("us", tz="UTC")), TS)
    target = arrow_type(type_oid, typmod)
    return texts if target == pa.string() else pc.cast(texts, target)
