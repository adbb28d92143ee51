"""Masking expressions, the same on DuckDB and BigQuery where the result must match.

`hash` is the pipeline's keyed token (SHA-256 of `key|value`, hex), so a masked column still
joins with the tokenised columns of the cleansed layer; `partial` keeps the last four characters;
`null` keeps the column's type and drops every value.
"""

from __future__ import annotations

HASH, PARTIAL, NULL = "hash", "partial", "null"
# A mart may store an identifier's keyed token beside it (`<column>__token`, dbt macro
# `token_column`): a hash-masked read selects it instead of hashing every row. Not readable itself.
TOKEN_SUFFIX = "__token"  # noqa: S105 # nosec B105 # a column name suffix, not a secret
METHODS = (HASH, PARTIAL, NULL)
STRING_TYPE = {"duckdb": "varchar", "bigquery": "string"}


def mask_sql(
    column_sql: str, method: str, *, dialect: str, column_type: str = "", key_param: str = "token_key"
) -> str:
    """A SQL expression masking `column_sql` (an already quoted column) by `method`.

    The hash key is a named query parameter (`$token_key` on DuckDB, `@token_key` on BigQuery):
    the caller binds `settings.WAREHOUSE_TOKEN_KEY` to it, so the key never appears in SQL text.
    """
    text = f"cast({column_sql} as {STRING_TYPE[dialect]})"
    if method == HASH:
        if dialect == "bigquery":
            return f"to_hex(sha256(concat(@{key_param}, '|', {text})))"
        return f"sha256(${key_param} || '|' || {text})"
    if method == PARTIAL:
        if dialect == "bigquery":
            return f"if({column_sql} is null, null, concat('****', substr({text}, -4)))"
        return f"case when {column_sql} is null then null else '****' || right({text}, 4) end"
    if method == NULL:
        return f"cast(null as {column_type or STRING_TYPE[dialect]})"
    raise ValueError(f"Unknown masking method {method!r}.")


def masking_method(level: int, clearance_level: int, methods: dict[int, str]) -> str:
    """ "" when a column of `level` is read in clear, else its level's method (null when it has none)."""
    return "" if level <= clearance_level else methods.get(level, NULL)


def token_column(name: str) -> str:
    """The name under which a mart stores the keyed token of column `name`."""
    return name + TOKEN_SUFFIX


def is_token_column(name: str) -> bool:
    return name.endswith(TOKEN_SUFFIX)
