"""Drive the tenant simulations and write their change events to the raw lake, month by month."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from warehouse.lake import Lake
from warehouse.source.schemas import RAW_SCHEMAS, USERS_V2
from warehouse.source.simulation import Emitter, TenantSim, month_start

DEFAULT_START = datetime(2025, 1, 1)
CHUNK = 250  # tenants simulated and written together: bounds memory at any size


@dataclass
class GenerateResult:
    rows: Counter = field(default_factory=Counter)
    files: int = 0
    until: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def generate(
    lake: Lake,
    *,
    tenants: int = 12,
    months: int = 6,
    seed: int = 1,
    start: datetime = DEFAULT_START,
    since: datetime | None = None,
    until: datetime | None = None,
    progress=None,
) -> GenerateResult:
    """Write the change events of `tenants` over `months` that happened in [since, until).

    The same arguments always write the same files (named by seed, month, tenant chunk and
    window), so a re-run replaces rather than duplicates. `until` defaults to the end of the
    last month; events after it have not happened yet (open work orders stay open).
    """
    until = until or month_start(start, months)
    window = f"-w{since:%Y%m%d%H%M%S}" if since else ""
    rng = random.Random(seed)  # noqa: S311 # nosec B311 # reproducible demo data
    sims = [TenantSim(i + 1, seed, start, _signup_month(rng, months)) for i in range(tenants)]
    result = GenerateResult(until=until)
    for offset in range(months):
        for chunk_no in range(0, len(sims), CHUNK):
            out = Emitter()
            for sim in sims[chunk_no : chunk_no + CHUNK]:
                sim.step(offset, out)
            batch = f"s{seed}-m{offset:03d}-c{chunk_no // CHUNK:04d}{window}"
            _write(lake, out, batch, since, until, result)
        if progress:
            progress(offset + 1, months)
    return result


def emitted_write(lake: Lake, out: Emitter, *, batch: str, until: datetime) -> GenerateResult:
    """Write events collected outside the simulation (the demo's incidents) as one more batch."""
    result = GenerateResult(until=until)
    _write(lake, out, batch, None, until, result)
    return result


class RawLakeNotEmpty(ValueError):
    pass


def raw_lake_prepare(lake: Lake, *, replace: bool) -> list[str]:
    """Make sure a new generation lands in an empty raw layer; returns the tables cleared.

    Files are named by seed, month and chunk, so a generation with other arguments would sit
    beside the one already there rather than replace it, and the mixture breaks the models'
    relationships (events of tenants that the other generation never had).
    """
    tables = lake.tables("raw")
    if tables and not replace:
        raise RawLakeNotEmpty(
            f"The raw layer already holds {len(tables)} tables ({', '.join(tables)}) from an earlier "
            "generation; a new one would mix with it. Pass --replace to clear the raw layer first "
            "(then rebuild with warehouse_run --full-refresh)."
        )
    lake.clear("raw")
    return tables


def _signup_month(rng: random.Random, months: int) -> int:
    # Most tenants exist from the start; the rest sign up over the period.
    return 0 if rng.random() < 0.6 else rng.randrange(months)


def _write(lake, out: Emitter, batch: str, since, until, result: GenerateResult) -> None:
    for table, rows in out.rows.items():
        schema = USERS_V2 if table == "users" and any("locale" in r for r in rows) else RAW_SCHEMAS[table]
        data = pa.Table.from_pylist(rows, schema=schema)
        ts_type = data.schema.field("_changed_at").type
        mask = pc.less(data["_changed_at"], pa.scalar(until, ts_type))
        if since is not None:
            mask = pc.and_(mask, pc.greater_equal(data["_changed_at"], pa.scalar(since, ts_type)))
        data = data.filter(mask)
        if not data.num_rows:
            continue
        data = data.append_column("date", pc.strftime(data["_changed_at"], "%Y-%m-%d"))
        result.files += len(lake.write("raw", table, data, batch=batch))
        result.rows[table] += data.num_rows
