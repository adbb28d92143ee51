"""Run the dbt project (`warehouse/dbt/`) through dbt-core's programmatic runner.

Plain Python, no Django: the caller passes a `DbtTarget` (built from settings by
`warehouse.services`). The profile is written at run time into the work directory, so no
connection details or keys live in the repository. Progress arrives per finished node.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from warehouse.engine.packages import bigquery_packages_require

logger = logging.getLogger(__name__)
PROJECT_DIR = Path(__file__).resolve().parent / "dbt"
FINISHED_EVENTS = {"NodeFinished"}


@dataclass(frozen=True)
class DbtTarget:
    work_dir: str
    lake_url: str
    backend: str = "duckdb"
    duckdb_path: str = ""
    token_key: str = ""
    threads: int = 1
    bigquery_project: str = ""
    bigquery_location: str = "US"
    bigquery_endpoint: str = ""
    bigquery_dataset: str = "analytics"
    column_policies: dict | None = None
    duckdb_memory_limit: str = ""  # e.g. "1GB"; DuckDB spills to disk beyond it
    project_dir: str = str(PROJECT_DIR)

    @property
    def target_path(self) -> Path:
        return Path(self.work_dir) / "target"


@dataclass
class NodeOutcome:
    unique_id: str
    status: str
    message: str = ""
    rows: int | None = None
    execution_time: float = 0.0
    started_at: datetime | None = None  # when dbt began the node (UTC)
    completed_at: datetime | None = None

    def as_record(self) -> dict:
        """The outcome as JSON-ready values (JobRun.results)."""
        record = dict(self.__dict__)
        for key in ("started_at", "completed_at"):
            record[key] = record[key].isoformat() if record[key] else None
        return record


@dataclass
class DbtRunResult:
    success: bool
    command: list[str]
    nodes: list[NodeOutcome] = field(default_factory=list)
    error: str = ""
    manifest_path: str = ""
    run_results_path: str = ""
    catalog_path: str = ""  # catalog.json: every column of every relation, with its type

    @property
    def failed(self) -> list[NodeOutcome]:
        return [n for n in self.nodes if n.status in {"error", "fail", "skipped"}]

    def summary(self) -> str:
        if self.success:
            return f"{len(self.nodes)} nodes succeeded"
        lines = [f"{n.unique_id}: {n.status} {n.message}".strip() for n in self.failed]
        return "\n".join([self.error, *lines]).strip()


def profile_for(target: DbtTarget) -> dict:
    if target.backend == "duckdb":
        # Insertion order means nothing to these models; letting DuckDB drop it lets it stream.
        settings = {"preserve_insertion_order": False}
        if target.duckdb_memory_limit:
            settings["memory_limit"] = target.duckdb_memory_limit
        output = {"type": "duckdb", "path": target.duckdb_path, "threads": target.threads, "schema": "main",
                  "settings": settings}  # fmt: skip
    elif target.backend == "bigquery":
        bigquery_packages_require()
        output = {
            "type": "bigquery", "method": "oauth", "project": target.bigquery_project,
            "dataset": target.bigquery_dataset, "location": target.bigquery_location,
            "threads": target.threads,
        }  # fmt: skip
        if target.bigquery_endpoint:
            # The emulator checks no credentials; a static token keeps dbt from looking for ADC.
            output.update(api_endpoint=target.bigquery_endpoint, method="oauth-secrets", token="emulator")  # noqa: S106 # nosec B106 # the emulator's dummy token
    else:
        raise ValueError(f"No dbt profile for backend {target.backend!r}.")
    return {"custodian": {"target": target.backend, "outputs": {target.backend: output}}}


def write_profile(target: DbtTarget) -> Path:
    profiles_dir = Path(target.work_dir) / "profiles"
    profiles_dir.mkdir(parents=True, exist_ok=True)
    path = profiles_dir / "profiles.yml"
    path.write_text(yaml.safe_dump(profile_for(target)))
    path.chmod(0o600)
    return profiles_dir


def run(
    target: DbtTarget,
    command: str = "build",
    *,
    select: list[str] | None = None,
    exclude: list[str] | None = None,
    full_refresh: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
    keep_artifacts_in: str | None = None,
    with_catalog: bool = False,
) -> DbtRunResult:
    """Run one dbt command; returns what each node did. Never raises for model failures.

    `with_catalog` then writes catalog.json (`dbt docs generate --no-compile`), so every column
    reaches the catalog with its type, not only the documented ones.
    """
    from dbt.cli.main import dbtRunner

    args = [command, *_common_args(target)]
    if select:
        args += ["--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    if full_refresh:
        args.append("--full-refresh")
    progress = _Progress(on_progress)
    try:
        outcome = dbtRunner(callbacks=[progress]).invoke(args)
        result = DbtRunResult(success=bool(outcome.success), command=args[:1] + (select or []))
        if outcome.exception is not None:
            result.error = f"dbt could not run: {outcome.exception}"
        result.nodes = _nodes(outcome.result)
        (target.target_path / "catalog.json").unlink(missing_ok=True)  # never a previous run's
        if with_catalog and outcome.exception is None:
            _generate_catalog(target)
    finally:
        _release_duckdb()
    _artifacts(target, result, keep_artifacts_in)
    return result


def _release_duckdb() -> None:
    """Close the connection dbt-duckdb keeps to the warehouse file for the life of the process.

    Left open (read-write), it makes every later read-only open of the same file in this process
    fail ("different configuration"): the governed read path after an in-process run, as in
    `seed_demo` or a worker without a broker. The next dbt invocation opens a fresh one.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # dbt-bigquery only
        return
    environment = DuckDBConnectionManager._ENV
    if environment is not None and hasattr(environment, "close"):
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def _common_args(target: DbtTarget) -> list[str]:
    variables = {"lake_root": target.lake_url.rstrip("/"), "token_key": target.token_key}
    if target.column_policies is not None:
        variables["column_policies"] = target.column_policies
    return [
        "--project-dir", target.project_dir, "--profiles-dir", str(write_profile(target)),
        "--target-path", str(target.target_path), "--log-path", str(Path(target.work_dir) / "logs"),
        "--vars", json.dumps(variables), "--no-use-colors", "--quiet",
        # no usage statistics sent anywhere; the file log without every statement (JobRun keeps errors)
        "--no-send-anonymous-usage-stats", "--log-level-file", "info",
    ]  # fmt: skip


def _generate_catalog(target: DbtTarget) -> None:
    """catalog.json for the relations the build left; a failure only costs the undocumented columns.

    `--no-compile` reuses the build's parse and compiles nothing: the cost is the adapter's
    column query per schema. `docs generate` rewrites run_results.json with its own; the
    build's is put back, since the catalog imports test results from it.
    """
    from dbt.cli.main import dbtRunner

    results = target.target_path / "run_results.json"
    kept = results.read_bytes() if results.exists() else None
    outcome = dbtRunner().invoke(["docs", "generate", "--no-compile", *_common_args(target)])
    if kept is not None:
        results.write_bytes(kept)
    if not outcome.success:
        (target.target_path / "catalog.json").unlink(missing_ok=True)
        logger.warning(
            "dbt docs generate failed; the catalog gets documented columns only: %s", outcome.exception
        )


class _Progress:
    """dbt event callback: counts finished nodes against the total dbt announces."""

    def __init__(self, report):
        self.report, self.done, self.total = report, 0, 0

    def __call__(self, event):
        name = event.info.name
        data = event.data
        if hasattr(data, "total") and getattr(data, "total", 0):
            self.total = max(self.total, data.total)
        if name in FINISHED_EVENTS:
            self.done += 1
            if self.report:
                node = getattr(getattr(data, "node_info", None), "unique_id", "")
                self.report(self.done, max(self.total, self.done), node)


def _nodes(results) -> list[NodeOutcome]:
    nodes = []
    for r in getattr(results, "results", None) or []:
        rows = (r.adapter_response or {}).get("rows_affected")
        started, completed = _execution_window(r.timing or [])
        nodes.append(NodeOutcome(r.node.unique_id, str(r.status), r.message or "", rows,
                                 r.execution_time or 0.0, started, completed))  # fmt: skip
    return nodes


def _execution_window(timing) -> tuple[datetime | None, datetime | None]:
    """Start of the node's first timed step (compile) and end of its last (execute), in UTC."""
    starts = [t.started_at for t in timing if t.started_at]
    ends = [t.completed_at for t in timing if t.completed_at]
    utc = lambda moment: moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment  # noqa: E731
    return (utc(min(starts)) if starts else None, utc(max(ends)) if ends else None)


def _artifacts(target: DbtTarget, result: DbtRunResult, keep_in: str | None) -> None:
    artifacts = (
        ("manifest.json", "manifest_path"),
        ("run_results.json", "run_results_path"),
        ("catalog.json", "catalog_path"),
    )
    for name, attr in artifacts:
        source = target.target_path / name
        if not source.exists():
            continue
        if keep_in:
            Path(keep_in).mkdir(parents=True, exist_ok=True)
            source = Path(shutil.copy2(source, Path(keep_in) / name))
        setattr(result, attr, str(source))
