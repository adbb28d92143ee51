"""Dataset identities as the OpenLineage naming conventions give them (spec `naming.md`).

One physical table has one identity whoever reports it: the dbt import, the warehouse's run
events and the lake's change capture all name datasets through these functions.

- BigQuery: `bigquery` + `{project}.{dataset}.{table}`.
- DuckDB (no convention upstream): `settings.WAREHOUSE_NAMESPACE` + `{database}.{schema}.{table}`,
  the same name format as the other warehouses; the namespace is a stable setting, never the
  file's path, so moving the file or another machine's checkout keeps every identity.
- Files: a local path is `file` + the absolute path; GCS is `gs://{bucket}` + the object key.
"""

import os
import re

from django.conf import settings

# dbt-duckdb renders a source read from files as its relation, e.g. read_parquet('/lake/raw/x/*/*.parquet', …)
FILE_READ = re.compile(r"^\s*read_\w+\(\s*\[?\s*'([^']+)'")
GLOB = re.compile(r"[*?\[{]")


def relation_namespace(adapter: str) -> str:
    """The namespace of a warehouse relation reached through a dbt adapter (or engine) type."""
    if adapter == "duckdb":
        return settings.WAREHOUSE_NAMESPACE
    return adapter  # "bigquery" and the others are their convention's namespace already


def relation_dataset(adapter: str, *parts: str | None) -> tuple[str, str]:
    """(namespace, name) of a table: the name joins database, schema and table (empty parts dropped)."""
    return relation_namespace(adapter), ".".join(p for p in parts if p)


def file_dataset(location: str) -> tuple[str, str]:
    """(namespace, name) of files: a folder or a glob is named by the folder its files live in."""
    folder = _folder(location)
    if folder.startswith("gs://"):
        bucket, _, key = folder.removeprefix("gs://").partition("/")
        return f"gs://{bucket}", key
    return "file", os.path.abspath(folder.removeprefix("file://"))


def dbt_node_dataset(node: dict, adapter: str) -> tuple[str, str]:
    """(namespace, name) of a dbt model, seed, snapshot or source.

    A source that dbt reads straight from files (dbt-duckdb's external sources) is those files,
    named as the files are, so it meets the dataset that the lake's own producers report.
    """
    read = FILE_READ.match(node.get("relation_name") or "")
    if read:
        return file_dataset(read.group(1))
    table = node.get("alias") or node.get("identifier") or node["name"]
    return relation_dataset(adapter, node.get("database"), node.get("schema"), table)


def _folder(location: str) -> str:
    segments = location.rstrip("/").split("/")
    for index, segment in enumerate(segments):
        if GLOB.search(segment):
            segments = segments[:index]
            break
    return "/".join(segments).rstrip("/")
