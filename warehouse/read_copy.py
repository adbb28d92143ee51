"""The published read copy of the DuckDB warehouse (docs/warehouse.md, "Read copy").

DuckDB lets one process write a file, and refuses every other process, readers included, while
it does. With `WAREHOUSE_DUCKDB_READ_COPY` set, the pipeline (the Celery worker) keeps the main
file to itself and, after each job run, publishes a copy of it: readers elsewhere (the web
process) open that copy, which no one ever writes in place. A publish writes a new file beside
the copy and renames it over the copy, so a reader holding the old copy keeps reading it and the
next open gets the new one. BigQuery has no such limit: the setting is ignored there.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
from django.conf import settings

logger = logging.getLogger(__name__)

_pipeline_process = False


def pipeline_process_mark(**_signal_kwargs) -> None:
    """This process runs the pipeline (the Celery worker): it always opens the main file, since
    quality checks, schema sync and lineage inside a job must see the tables the job just built."""
    global _pipeline_process
    _pipeline_process = True


def copy_for_readers() -> str:
    """The copy read-only engines of this process open (once it exists); "" for the main file."""
    if settings.WAREHOUSE_BACKEND != "duckdb" or _pipeline_process:
        return ""
    return settings.WAREHOUSE_DUCKDB_READ_COPY


def read_copy_publish(*, to: str = "") -> bool:
    """Publish the main DuckDB file as the read copy (`to`, default the setting); True if done.

    Idempotent and safe to retry. A failure (another process writing the file, a full disk)
    keeps the previous copy and is logged: a job's outcome never depends on its publication.
    """
    copy = to or settings.WAREHOUSE_DUCKDB_READ_COPY
    main = Path(settings.WAREHOUSE_DUCKDB_PATH)
    if settings.WAREHOUSE_BACKEND != "duckdb" or not copy or not main.exists():
        return False
    try:
        _publish(main, Path(copy))
    except (OSError, duckdb.Error) as exc:
        logger.warning("Could not publish the warehouse read copy %s (the previous one stays): %s", copy, exc)
        return False
    logger.info("Published the warehouse read copy %s", copy)
    return True


def _publish(main: Path, copy: Path) -> None:
    copy.parent.mkdir(parents=True, exist_ok=True)
    # Writable on purpose: CHECKPOINT needs it, and while we hold the file no other process can
    # write it, so the bytes copied are the checkpointed state and the WAL is empty.
    connection = duckdb.connect(str(main))
    try:
        connection.execute("checkpoint")
        _copy_atomically(main, copy)
    finally:
        connection.close()


def _copy_atomically(source: Path, target: Path) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".publishing", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(source, temporary)  # mkstemp makes it private; readers may be another user
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)  # the rename itself survives a crash


def _fsync_directory(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
