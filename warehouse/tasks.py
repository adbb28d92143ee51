"""Celery tasks: take ids, call services, safe to run twice."""

from celery import shared_task
from django.conf import settings

from warehouse.models import JobRun
from warehouse.services import job_run_count_retry, job_run_execute, job_run_fail_alert


@shared_task(bind=True, acks_late=True, max_retries=None)
def run_job(self, job_run_id: int) -> str:
    """Run a queued job; a failed run is retried with exponential back-off, then alerts."""
    JobRun.objects.filter(pk=job_run_id, task_id="").update(task_id=self.request.id or "")
    run = job_run_execute(job_run_id=job_run_id)
    if run.status != JobRun.Status.FAILED:
        return run.status
    if self.request.retries < settings.WAREHOUSE_JOB_MAX_RETRIES:
        job_run_count_retry(job_run_id=job_run_id)
        raise self.retry(countdown=60 * 2**self.request.retries)
    job_run_fail_alert(job_run_id=job_run_id)
    return run.status


@shared_task
def run_scheduled_job(job: str) -> int:
    """Beat's entry point: one job run per tick, recorded like any other."""
    run = JobRun.objects.create(job=job, trigger=JobRun.Trigger.SCHEDULE)
    run_job.delay(run.pk)
    return run.pk


from warehouse.cdc.tasks import cdc_monitor, cdc_poll, cdc_poll_all  # noqa: E402, F401 - issue 5
