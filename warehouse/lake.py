"""The Parquet lake: `raw/`, `cleansed/`, `curated/` layers of hive-partitioned files.

Plain Python (no Django): give it a URL — a local directory or `gs://bucket/prefix` — and it
reads and writes Arrow tables. Every file is written under a temporary name and then published
by a rename (an object upload is itself atomic on GCS), and readers only ever glob `*.parquet`,
so a crashed writer leaves at worst an unpublished `*.tmp-…` file that no reader sees.
File names are chosen by the caller (a batch id), so a retried batch replaces its own files
instead of adding duplicates.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

LAYERS = ("raw", "cleansed", "curated")


def filesystem_for(url: str) -> tuple[pafs.FileSystem, str]:
    """A pyarrow filesystem and the root path inside it, for a local path or a gs:// URL."""
    if url.startswith("gs://"):
        import os

        emulator = os.environ.get("STORAGE_EMULATOR_HOST")
        if emulator:
            scheme, _, host = emulator.partition("://")
            fs = pafs.GcsFileSystem(anonymous=True, scheme=scheme, endpoint_override=host)
        else:
            fs = pafs.GcsFileSystem()
        return fs, url.removeprefix("gs://").rstrip("/")
    fs = pafs.LocalFileSystem()
    return fs, os_abspath(url)


def os_abspath(path: str) -> str:
    import os

    return os.path.abspath(path.removeprefix("file://"))


@dataclass
class Lake:
    """One lake root (hot), with an optional separate root for cold storage (retention)."""

    url: str
    cold_url: str | None = None

    def __post_init__(self):
        self.fs, self.root = filesystem_for(self.url)

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, pafs.LocalFileSystem)

    @property
    def root_url(self) -> str:
        """The root as engines address it (a path, or gs://bucket/prefix)."""
        return self.root if self.is_local else f"gs://{self.root}"

    def cold(self) -> Lake:
        if not self.cold_url:
            raise ValueError("No cold lake URL is configured (WAREHOUSE_COLD_LAKE_URL).")
        return Lake(self.cold_url)

    def table_path(self, layer: str, table: str) -> str:
        if layer not in LAYERS:
            raise ValueError(f"Unknown lake layer {layer!r}; expected one of {LAYERS}.")
        if not table.replace("_", "").isalnum():
            raise ValueError(f"Bad table name {table!r}.")
        return f"{self.root}/{layer}/{table}"

    def table_url(self, layer: str, table: str) -> str:
        """Where an engine reads the table (a glob over its published files)."""
        return f"{self.root_url}/{layer}/{table}/**/*.parquet"

    def write(
        self,
        layer: str,
        table: str,
        data: pa.Table,
        *,
        batch: str,
        partition_by: Iterable[str] = ("date",),
    ) -> list[str]:
        """Write `data` as one file per partition, named after `batch`; returns the published paths.

        Partition columns become `key=value` folders and are not repeated inside the files.
        """
        partition_by = list(partition_by)
        base = self.table_path(layer, table)
        published = []
        for values, part in _split(data, partition_by):
            folder = "/".join([base, *(f"{k}={v}" for k, v in zip(partition_by, values, strict=True))])
            published.append(self._publish(folder, f"part-{batch}.parquet", part.drop_columns(partition_by)))
        return published

    def _publish(self, folder: str, name: str, table: pa.Table) -> str:
        self.fs.create_dir(folder, recursive=True)
        final = f"{folder}/{name}"
        temporary = f"{final}.tmp-{uuid.uuid4().hex}"
        pq.write_table(table, temporary, filesystem=self.fs, compression="zstd")
        _publish_file(self.fs, temporary, final)
        return final

    def files(self, layer: str, table: str) -> list[str]:
        """Published files of a table (temporary files are not part of it)."""
        selector = pafs.FileSelector(self.table_path(layer, table), recursive=True, allow_not_found=True)
        return sorted(i.path for i in self.fs.get_file_info(selector) if i.path.endswith(".parquet"))

    def tables(self, layer: str) -> list[str]:
        """Tables with at least one published file (object stores have no real folders)."""
        base = f"{self.root}/{layer}/"
        selector = pafs.FileSelector(base.rstrip("/"), recursive=True, allow_not_found=True)
        paths = [i.path for i in self.fs.get_file_info(selector) if i.path.endswith(".parquet")]
        return sorted({p[len(base) :].split("/", 1)[0] for p in paths})

    def read(self, layer: str, table: str) -> pa.Table:
        """The whole table with its partition columns (for tests and small tables)."""
        import pyarrow.dataset as ds

        files = self.files(layer, table)
        if not files:
            return pa.table({})
        dataset = ds.dataset(
            files, filesystem=self.fs, format="parquet", partitioning="hive",
            partition_base_dir=self.table_path(layer, table),
        )  # fmt: skip
        return dataset.to_table()

    def clear(self, layer: str) -> None:
        """Remove every table of a layer."""
        for table in self.tables(layer):
            self.drop_table(layer, table)

    def drop_table(self, layer: str, table: str) -> None:
        path = self.table_path(layer, table)
        if self.fs.get_file_info(path).type != pafs.FileType.NotFound:
            self.fs.delete_dir(path)


def _publish_file(fs: pafs.FileSystem, temporary: str, final: str) -> None:
    """The publish step: a rename on disk (atomic), a server-side copy on GCS."""
    fs.move(temporary, final)


def _split(data: pa.Table, keys: list[str]):
    """Yield (partition values, rows) for each distinct combination of `keys`."""
    if not keys:
        yield (), data
        return
    combos = data.select(keys).group_by(keys).aggregate([]).to_pylist()
    for combo in combos:
        mask = None
        for key in keys:
            cond = pc.equal(data[key], pa.scalar(combo[key], data.schema.field(key).type))
            mask = cond if mask is None else pc.and_(mask, cond)
        yield tuple(combo[k] for k in keys), data.filter(mask)
