"""Scheduled work of the governed read path. Idempotent: running a task twice changes nothing."""

from celery import shared_task

from warehouse.reads.digest import access_log_seal_yesterday


@shared_task
def access_log_seal() -> list[str]:
    """Seal yesterday's access log (and any day missed before it); a changed sealed day fails loudly."""
    return [str(digest.day) for digest in access_log_seal_yesterday()]
