"""The BigQuery backend's packages are optional (`requirements-bigquery.txt`).

The demo and DuckDB installs leave them out (dbt-bigquery alone pulls several hundred megabytes
that nothing else uses), so selecting BigQuery without them must say what to install instead of
failing with an ImportError deep inside a run.
"""

from __future__ import annotations

import importlib.util

from warehouse.engine.base import EngineError

BIGQUERY_MODULES = {"google.cloud.bigquery": "google-cloud-bigquery", "dbt.adapters.bigquery": "dbt-bigquery"}
INSTALL_HINT = "install them with `.venv/bin/pip install -r requirements-bigquery.txt`"


def bigquery_packages_missing() -> list[str]:
    """The distributions of the BigQuery backend that cannot be imported here."""
    return [dist for module, dist in BIGQUERY_MODULES.items() if not _importable(module)]


def bigquery_packages_require() -> None:
    """Raise EngineError naming what to install when the BigQuery backend cannot run."""
    missing = bigquery_packages_missing()
    if missing:
        raise EngineError(
            f"The BigQuery warehouse backend needs {', '.join(missing)}, which the default install "
            f"leaves out: {INSTALL_HINT}, or set WAREHOUSE_BACKEND=duckdb."
        )


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a parent package is missing
        return False
