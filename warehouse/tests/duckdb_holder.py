"""Another process holding a DuckDB file open for writing, as the Celery worker does while it builds."""

import subprocess
import sys
from contextlib import contextmanager

HOLDER = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(120)"
)


@contextmanager
def held_for_writing(path):
    """Yields once the other process has the file; kills it afterwards."""
    holder = subprocess.Popen(  # nosec B603 - our interpreter, a fixed script
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding", "the holding process did not open the file"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
