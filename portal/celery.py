"""The Celery app: JSON only, late acknowledgement, retries with back-off, audited actors."""

import logging
import os

from celery import Celery, Task
from celery.signals import worker_init, worker_process_init
from django.db import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

logger = logging.getLogger(__name__)
ACTOR_HEADER = "custodian_actor_id"


class AuditedTask(Task):
    """Carries the caller's audit actor to the worker, and retries transient failures.

    The actor's id travels in a message header; on the worker the task body runs inside
    auditlog's `set_actor`, so every change it makes is attributed to whoever asked for it,
    or to the system account when beat or nobody in particular did.
    """

    autoretry_for = (OperationalError, ConnectionError, TimeoutError)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5

    def apply_async(self, args=None, kwargs=None, **options):
        from accounts.audit import current_actor

        actor = current_actor()
        if actor is not None:
            options["headers"] = {**(options.get("headers") or {}), ACTOR_HEADER: actor.pk}
        return super().apply_async(args, kwargs, **options)

    def __call__(self, *args, **kwargs):
        from accounts.audit import acting_as, actor_for_id

        with acting_as(actor_for_id(self._actor_id_from_request())):
            return super().__call__(*args, **kwargs)

    def _actor_id_from_request(self):
        actor_id = getattr(self.request, ACTOR_HEADER, None)
        if actor_id is None:
            actor_id = (self.request.headers or {}).get(ACTOR_HEADER)
        return actor_id


app = Celery("portal", task_cls=AuditedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_track_started=True,
    result_expires=60 * 60 * 24,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
)
app.autodiscover_tasks()


@worker_init.connect
@worker_process_init.connect
def mark_pipeline_process(**kwargs) -> None:
    """The worker runs the pipeline: it opens the warehouse's main file, never the read copy."""
    from warehouse.read_copy import pipeline_process_mark

    pipeline_process_mark()


def log_execution_mode() -> None:
    if app.conf.task_always_eager:
        logger.info("CELERY_BROKER_URL is not set: Celery tasks run in-process, eagerly.")
