"""Build a consumer for a configured source (shared by the command and the benchmark)."""

from warehouse import config
from warehouse.cdc.consumer import Consumer, Options
from warehouse.cdc.models import CdcSource
from warehouse.cdc.services import CdcStore


def consumer_for(source: CdcSource, **overrides) -> Consumer:
    options = Options(
        dsn=source.dsn,
        source=source.name,
        slot=source.slot,
        publication=source.publication,
        max_rows=source.batch_rows,
        max_seconds=source.batch_seconds,
    )
    for key, value in overrides.items():
        if value is not None:
            setattr(options, key, value)
    return Consumer(options, config.lake(), CdcStore(source))
