"""Only the pipeline opens a warehouse engine; everything else reads through governed_read.

The scan parses every project module (tests, migrations and benchmarks aside: they build and
measure throwaway warehouses) and lists each call that opens an engine connection: the engine
factory (`config.engine(…)`, `get_engine(…)`), DuckDB's `connect` and BigQuery's `Client`,
under any import alias. A module outside ALLOWED that makes such a call fails the test.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NOT_SCANNED = {".venv", "var", "node_modules", "migrations", "tests", "benchmarks", ".git"}

# Module (or folder/) -> why it may open an engine.
ALLOWED = {
    "warehouse/config.py": "the engine factory itself",
    "warehouse/engine/": "the engine backends: the only code that talks to DuckDB and BigQuery",
    "warehouse/services.py": "the pipeline: job runs build and count the warehouse's tables",
    "warehouse/loading.py": "the pipeline: loads the raw lake into the warehouse",
    "warehouse/publish.py": "the pipeline: publishes cleansed and curated tables to the lake",
    "warehouse/lineage.py": "the pipeline: describes the built tables for the run's lineage events",
    "warehouse/read_copy.py": "the pipeline: checkpoints the main file and publishes its read copy",
    "warehouse/demo.py": "the pipeline: builds the demo warehouse",
    "warehouse/cdc/": "the pipeline: change data capture into the raw lake",
    "warehouse/reads/service.py": "governed_read: the one read path, which checks, masks and logs",
    "warehouse/management/commands/warehouse_authorized_views.py": (
        "creates BigQuery's governed views (DDL and access entries); reads no warehouse data"
    ),
    "catalog/schema_readers.py": (
        "schema sync reads only information_schema (table and column names and types), never data"
    ),
    "governance/quality/runner.py": "data-quality checks run as pipeline steps",
    "reporting/metric_check.py": (
        "the metric layer's check describes the marts (column names and types), never reads data"
    ),
}
# Entries allowed ahead of the code they name.
MAY_BE_MISSING: set[str] = set()

# (module, name) pairs whose call opens an engine, and the modules whose attribute calls do.
OPENING_NAMES = {
    ("duckdb", "connect"),
    ("google.cloud.bigquery", "Client"),
    ("warehouse.engine", "get_engine"),
    ("warehouse.config", "engine"),
}
OPENING_ATTRIBUTES = {"duckdb": "connect", "google.cloud.bigquery": "Client", "warehouse.config": "engine"}


@dataclass(frozen=True)
class Opening:
    path: str
    line: int
    call: str


def scan_module(path: Path, root: Path) -> list[Opening]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names, modules = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _opens(node.func, names, modules):
            found.append(Opening(path.relative_to(root).as_posix(), node.lineno, ast.unparse(node.func)))
    return found


def _aliases(tree) -> tuple[set[str], dict[str, str]]:
    """Local names bound to opening functions, and local names bound to modules with one."""
    names, modules = (
        {"get_engine"},
        {"duckdb": "duckdb", "bigquery": "google.cloud.bigquery", "config": "warehouse.config"},
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                local = alias.asname or alias.name
                if (node.module, alias.name) in OPENING_NAMES:
                    names.add(local)
                modules[local] = f"{node.module}.{alias.name}"
    return names, modules


def _opens(func, names: set[str], modules: dict[str, str]) -> bool:
    if isinstance(func, ast.Name):
        return func.id in names
    if isinstance(func, ast.Attribute):
        if func.attr == "get_engine":
            return True
        owner = ast.unparse(func.value)
        module = modules.get(owner, owner)
        return OPENING_ATTRIBUTES.get(module) == func.attr or (
            owner.endswith("config") and func.attr == "engine"
        )
    return False


def scan_tree(root: Path) -> list[Opening]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if NOT_SCANNED.intersection(path.relative_to(root).parts):
            continue
        found += scan_module(path, root)
    return found


def _allowed(path: str) -> bool:
    return any(path == entry or (entry.endswith("/") and path.startswith(entry)) for entry in ALLOWED)


def test_no_module_outside_the_pipeline_opens_a_warehouse_engine():
    offenders = [f"{o.path}:{o.line} {o.call}(…)" for o in scan_tree(ROOT) if not _allowed(o.path)]
    assert not offenders, (
        "these modules open a warehouse engine; read through warehouse.reads.governed_read instead"
        " (or add the module to ALLOWED with its reason if it is part of the pipeline):\n"
        + "\n".join(offenders)
    )


def test_every_allowed_module_still_exists():
    stale = [entry for entry in ALLOWED if entry not in MAY_BE_MISSING and not (ROOT / entry).exists()]
    assert not stale, f"allow-list entries naming no module any more: {stale}"


def test_the_scan_finds_a_new_offender_under_any_alias(tmp_path):
    (tmp_path / "reporting").mkdir()
    (tmp_path / "reporting" / "sneaky.py").write_text(
        "import duckdb\n"
        "import duckdb as ddb\n"
        "from duckdb import connect as c\n"
        "from google.cloud import bigquery\n"
        "from google.cloud.bigquery import Client as BQ\n"
        "from warehouse import config\n"
        "from warehouse import config as wc\n"
        "from warehouse.engine import get_engine as ge\n"
        "duckdb.connect('x')\n"
        "ddb.connect('x')\n"
        "c('x')\n"
        "bigquery.Client()\n"
        "BQ()\n"
        "config.engine(read_only=True)\n"
        "wc.engine()\n"
        "ge(None)\n"
        "'''duckdb.connect() in a docstring is no call'''\n"
    )
    (tmp_path / "reporting" / "tests").mkdir()
    (tmp_path / "reporting" / "tests" / "test_x.py").write_text("import duckdb\nduckdb.connect()\n")
    found = scan_tree(tmp_path)
    assert [o.line for o in found] == list(range(9, 17))
    assert {o.path for o in found} == {"reporting/sneaky.py"}


def test_the_real_pipeline_modules_are_found_by_the_scan():
    """The scan sees the known openers, so an empty offender list means something."""
    paths = {o.path for o in scan_tree(ROOT)}
    assert {
        "warehouse/services.py",
        "warehouse/reads/service.py",
        "warehouse/engine/duckdb_backend.py",
    } <= paths
