"""Reads for the warehouse's admin pages."""

from warehouse.models import JobRun


def job_run_progress(run: JobRun) -> dict:
    """Where a job run stands, for its page and the JSON its page polls while the run is going."""
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "progress": run.progress,
        "current_node": run.current_node,
        "in_progress": run.in_progress,
        "error": run.error.splitlines()[0] if run.error else "",
    }
