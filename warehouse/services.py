"""Writes of the warehouse app: requesting, running and recording jobs."""

from __future__ import annotations

import logging
import queue
import threading
import traceback as tb

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from warehouse import config, dbt_runner, gated_build, hooks, lineage, read_copy
from warehouse.jobs import job_for
from warehouse.loading import load_raw_for_engine
from warehouse.models import JobRun, WarehouseModel
from warehouse.publish import publish_layers

logger = logging.getLogger(__name__)


def job_run_request(*, job: str, actor, selection: str = "", full_refresh: bool = False,
                    trigger: str = JobRun.Trigger.MANUAL) -> JobRun:  # fmt: skip
    """Queue a job run; the worker picks it up after the transaction commits."""
    from warehouse.tasks import run_job

    if actor is not None and actor.is_authenticated and not actor.has_perm("warehouse.run_jobrun"):
        raise PermissionDenied("You may not start warehouse jobs.")
    with transaction.atomic():
        run = JobRun.objects.create(
            job=job, selection=selection, full_refresh=full_refresh, trigger=trigger,
            requested_by=actor if actor is not None and actor.is_authenticated else None,
        )  # fmt: skip
        transaction.on_commit(lambda: run_job.delay(run.pk))
    return run


def job_run_execute(*, job_run_id: int, on_progress=None) -> JobRun:
    """Run the job's dbt selection, recording progress, outcome, model states and lineage.

    Safe to call again for the same run (a worker killed midway, a retry): every model replaces
    its own output atomically and incremental models upsert on their keys.
    """
    run = _start(job_run_id)
    job = job_for(run.job, run.selection)

    def progress(done, total, node):
        percent = min(99, int(100 * done / max(total, 1)))
        JobRun.objects.filter(pk=run.pk).update(progress=percent, current_node=node[:300])
        if on_progress:
            on_progress(done, total, node)

    try:
        loaded = load_raw_for_engine(full_refresh=run.full_refresh)
        gates = [gate for gate in hooks.quality_gates() if gate.active()]
        result, blocked = _build(run, job, gates, progress)
        published = publish_layers() if result.success and job.publish_to_lake else 0
    except Exception as exc:
        return _finish(run, None, error=f"{type(exc).__name__}: {exc}", trace=tb.format_exc())
    run = _finish(run, result, published=published, loaded=loaded, gates=gates, blocked=blocked)
    return run


def _build(run: JobRun, job, gates, progress):
    """One dbt build; in stages behind the quality gates when any check is enabled."""
    target, keep = config.dbt_target(), f"{settings.WAREHOUSE_WORK_DIR}/runs/{run.pk}"

    def build(select, with_catalog):
        def work(report):
            return dbt_runner.run(
                target,
                "build",
                select=select,
                full_refresh=run.full_refresh,
                on_progress=report,
                keep_artifacts_in=keep,
                with_catalog=with_catalog,
            )

        return _in_thread_reporting(work, progress)

    if not gates:
        return build(list(job.selection), True), {}
    graph = gated_build.graph_of(target, list(job.selection), settings.WAREHOUSE_BACKEND)
    return gated_build.build_gated(
        target,
        graph,
        gates,
        job_run_id=run.pk,
        keep_artifacts_in=keep,
        run_stage=lambda names: build(names, False),
    )


def _in_thread_reporting(work, report):
    """Run `work(report)` in a thread; `report` calls are replayed here, on the caller's thread.

    dbt reports progress from its own worker threads; writing the JobRun from there would use
    another database connection (and block on SQLite's lock held by this one).
    """
    updates: queue.Queue = queue.Queue()
    outcome: dict = {}

    def target():
        try:
            outcome["result"] = work(lambda *args: updates.put(args))
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="dbt-run", daemon=True)
    thread.start()
    while thread.is_alive() or not updates.empty():
        try:
            report(*updates.get(timeout=0.2))
        except queue.Empty:
            continue
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def _start(job_run_id: int) -> JobRun:
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=job_run_id)
        if run.status == JobRun.Status.RUNNING:
            run.retries += 1  # the previous attempt died without finishing
        run.status, run.started_at, run.progress = JobRun.Status.RUNNING, timezone.now(), 0
        run.error = run.traceback = ""
        run.save()
    return run


def _finish(
    run: JobRun, result, *, error="", trace="", published=0, loaded=0, gates=(), blocked=None
) -> JobRun:
    now = timezone.now()
    if result is not None:
        _count_rows(result)
    # Before the run is marked finished, so that no page names a run whose tables it cannot see
    # yet; after a failure too, since every model that did build replaced its table atomically.
    read_copy.read_copy_publish()
    with transaction.atomic():
        run.refresh_from_db()
        run.finished_at = now
        if result is not None:
            run.results = [n.as_record() for n in result.nodes]
            built = [n for n in result.nodes if n.unique_id.startswith("model.") and n.status == "success"]
            run.rows_written = sum(n.rows or 0 for n in built) + published
            # rows taken in: loaded into the engine (BigQuery) plus what the cleansed layer kept
            run.rows_read = loaded + sum(n.rows or 0 for n in built if ".stg_" in n.unique_id)
            error = error or ("" if result.success else result.summary())
            _record_models(run, result, now)
        run.status = JobRun.Status.FAILED if error else JobRun.Status.SUCCEEDED
        run.progress = run.progress if error else 100
        run.error, run.traceback = error, trace
        run.save()
    if result is not None:
        quality_events = [event for gate in gates for event in gate.events(job_run_id=run.pk)]
        lineage.emit_for_run(run, result, extra_events=quality_events)
    for gate in gates:  # after the sink, so that the scores see this run's dbt test results
        try:
            gate.finish(job_run_id=run.pk, blocked=blocked or {})
        except Exception:  # scores and alerts must not turn a finished data run into a failure
            logger.exception("Quality gate %r could not finish job run %s", gate, run.pk)
    return run


def _count_rows(result) -> None:
    """dbt-duckdb reports no row counts: read them from the tables each model built."""
    missing = [n for n in result.nodes if n.rows is None and n.status == "success" and "." in n.unique_id]
    missing = [n for n in missing if n.unique_id.split(".")[0] in {"model", "snapshot"}]
    if not missing:
        return
    with config.engine() as engine:
        for node in missing:
            relation = f"{lineage.layer_of(node.unique_id)}.{node.unique_id.split('.')[-1]}"
            try:
                node.rows = engine.row_count(relation)
            except Exception:  # a count is informative only; the run's outcome stands
                logger.warning("Could not count rows of %s", relation)


def _record_models(run: JobRun, result, now) -> None:
    for node in result.nodes:
        kind, _, name = node.unique_id.split(".", 2)
        if kind not in {"model", "snapshot"}:
            continue
        state, _ = WarehouseModel.objects.get_or_create(
            unique_id=node.unique_id, defaults={"name": name, "layer": lineage.layer_of(node.unique_id)}
        )
        state.last_status, state.last_message, state.last_rows = node.status, node.message[:2000], node.rows
        state.last_run, state.last_run_at = run, now
        if node.status == "success":
            state.last_success_at = now
        state.save()


def job_run_count_retry(*, job_run_id: int) -> JobRun:
    """Count one more retry of a failed run; saved under a row lock so the count is audited."""
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=job_run_id)
        run.retries += 1
        run.save(update_fields=["retries"])
    return run


def job_run_fail_alert(*, job_run_id: int) -> None:
    """Tell the data stewards that a job failed for good (after its retries)."""
    from django.contrib.auth.models import Group
    from django.core.mail import send_mail

    from accounts import roles

    run = JobRun.objects.get(pk=job_run_id)
    group = Group.objects.filter(name=roles.DATA_STEWARD).first()
    recipients = sorted({u.email for u in group.user_set.filter(is_active=True) if u.email}) if group else []
    if recipients:
        send_mail(
            f"[Custodian] warehouse job {run.job} failed",
            f"Job run {run.pk} ({run.job}) failed after {run.retries} retries:\n\n{run.error}",
            None, recipients,
        )  # fmt: skip
    logger.error("Warehouse job run %s (%s) failed: %s", run.pk, run.job, run.error)
