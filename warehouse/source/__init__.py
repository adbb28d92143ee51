"""The demo source: realistic, deterministic change events of the work-order product.

`generate(lake, tenants=…, months=…, seed=…)` writes into the raw lake the same shape the CDC
capture produces from a live PostgreSQL: one row per change with `_op` (c/u/d), `_lsn` (order
of changes), `_changed_at`, partitioned by the change's date.
"""

from warehouse.source.generator import (
    GenerateResult,
    RawLakeNotEmpty,
    emitted_write,
    generate,
    raw_lake_prepare,
)
from warehouse.source.schemas import RAW_SCHEMAS

__all__ = [
    "RAW_SCHEMAS",
    "GenerateResult",
    "RawLakeNotEmpty",
    "emitted_write",
    "generate",
    "raw_lake_prepare",
]
