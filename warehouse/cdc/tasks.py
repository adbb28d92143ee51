"""Celery tasks of CDC: polling rounds and lag checks (ids in, services do the work)."""

from celery import shared_task

from warehouse.cdc.models import CdcSource
from warehouse.cdc.services import cdc_source_measure, cdc_source_poll


@shared_task(acks_late=True)
def cdc_poll(source_id: int) -> int:
    """One polling round; safe to run twice (the slot only advances after the lake has the batch)."""
    source = CdcSource.objects.get(pk=source_id)
    return sum(cdc_source_poll(source=source, actor=None).values())


@shared_task
def cdc_poll_all() -> int:
    """Beat's entry point: queue a polling round per source in polling mode."""
    ids = list(CdcSource.objects.filter(mode=CdcSource.Mode.POLL).values_list("pk", flat=True))
    for pk in ids:
        cdc_poll.delay(pk)
    return len(ids)


@shared_task
def cdc_monitor() -> int:
    """Measure every source's lag and retained WAL; alert past the thresholds."""
    count = 0
    for source in CdcSource.objects.all():
        cdc_source_measure(source=source, actor=None)
        count += 1
    return count
