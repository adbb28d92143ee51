"""PostgreSQL types → Arrow types, and pgoutput's text values → Python values.

Every integer type lands as int64 so that widening a column (int → bigint) keeps the lake's
type; bounded numerics land as decimals with their precision, other unknown types as text.
Times are UTC without zone, like the rest of the raw lake.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pyarrow as pa

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


def parser(type_oid: int, typmod: int):
    """A function from pgoutput's text value to the Python value Arrow expects."""
    if type_oid in INTEGER:
        return int
    if type_oid in FLOAT:
        return float
    if type_oid == BOOL:
        return lambda text: text == "t"
    if type_oid == DATE:
        return date.fromisoformat
    if type_oid == TIMESTAMP:
        return datetime.fromisoformat
    if type_oid == TIMESTAMPTZ:
        return _timestamptz
    if type_oid == NUMERIC and typmod > 4:
        return Decimal
    return str


def _timestamptz(text: str) -> datetime:
    # pgoutput writes "+00" style offsets; normalise to naive UTC like the rest of the lake.
    if len(text) > 3 and text[-3] in "+-" and text[-2:].isdigit():
        text += ":00"
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)


def json_value(value):
    """A value as it goes into the `_before` JSON image."""
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return None  # an unchanged TOAST value: not sent by the server


def dumps(mapping: dict) -> str:
    return json.dumps({k: json_value(v) for k, v in mapping.items()}, separators=(",", ":"))
