"""Quoting of SQL identifiers: the one place where a table or column name becomes SQL text.

Names come from our own metadata (dbt models, lake folders, catalog columns), but they are still
quoted and escaped everywhere they are interpolated, so a name holding a quote character can
only ever be a name. Values never go through here: they are bound as query parameters.
"""

from warehouse.engine.base import EngineError

# DuckDB and PostgreSQL double a double quote inside a quoted name; BigQuery escapes a backtick
# (and the backslash that escapes) with a backslash.
DIALECTS = {
    "ansi": ('"', (('"', '""'),)),
    "duckdb": ('"', (('"', '""'),)),
    "bigquery": ("`", (("\\", "\\\\"), ("`", "\\`"))),
}


def quote_identifier(name: str, dialect: str = "ansi") -> str:
    """`name` as one quoted SQL identifier of `dialect`; refuses empty names and NUL."""
    if not isinstance(name, str) or not name or "\x00" in name:
        raise EngineError(f"Not a usable SQL identifier: {name!r}.")
    quote, escapes = DIALECTS[dialect]
    for raw, escaped in escapes:
        name = name.replace(raw, escaped)
    return f"{quote}{name}{quote}"


def quote_path(*parts: str, dialect: str = "ansi") -> str:
    """A dotted name (`schema.table`, `alias.column`) with every part quoted on its own."""
    return ".".join(quote_identifier(part, dialect) for part in parts)
