"""BigQuery backend (google-cloud-bigquery): datasets in one project, partitioned and clustered tables.

Differences from DuckDB handled here, not in callers:
- parameters: callers write `$name`; BigQuery wants `@name` with typed query parameters;
- `dataset.table` names become `project.dataset.table`; datasets are created in the location;
- loads go through Parquet load jobs with an explicit schema (the hive partition columns of
  the lake are not inside the files, so files are read with pyarrow first);
- merge is a MERGE from a staging table.
Against the emulator (`bigquery_endpoint`), anonymous credentials are used.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.engine.base import Column, Engine, EngineConfig, EngineError, split_name
from warehouse.engine.identifiers import quote_identifier
from warehouse.engine.packages import bigquery_packages_require

PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
ARROW_TO_BQ = [
    (pa.types.is_boolean, "BOOL"), (pa.types.is_integer, "INT64"), (pa.types.is_floating, "FLOAT64"),
    (pa.types.is_decimal, "NUMERIC"), (pa.types.is_date, "DATE"), (pa.types.is_string, "STRING"),
    (pa.types.is_large_string, "STRING"), (pa.types.is_binary, "BYTES"),
]  # fmt: skip


def bq_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP" if arrow_type.tz else "DATETIME"
    for test, name in ARROW_TO_BQ:
        if test(arrow_type):
            return name
    raise EngineError(f"No BigQuery type for Arrow type {arrow_type}.")


def param_type(value: Any) -> str:
    for kind, name in ((bool, "BOOL"), (int, "INT64"), (float, "FLOAT64"), (Decimal, "NUMERIC"),
                       (dt.datetime, "DATETIME"), (dt.date, "DATE"), (str, "STRING")):  # fmt: skip
        if isinstance(value, kind):
            return name
    raise EngineError(f"Unsupported query parameter value {value!r}.")


class BigQueryEngine(Engine):
    def __init__(self, config: EngineConfig):
        bigquery_packages_require()
        from google.cloud import bigquery

        self.config, self.bq = config, bigquery
        options = {}
        credentials = None
        if config.bigquery_endpoint:
            from google.auth.credentials import AnonymousCredentials

            options["client_options"] = {"api_endpoint": config.bigquery_endpoint}
            credentials = AnonymousCredentials()
        self.client = bigquery.Client(
            project=config.bigquery_project,
            location=config.bigquery_location,
            credentials=credentials,
            **options,
        )

    def close(self) -> None:
        self.client.close()

    def _id(self, table: str) -> str:
        dataset, name = split_name(table)
        return f"{self.config.bigquery_project}.{self.config.dataset_prefix}{dataset}.{name}"

    def quote(self, table: str) -> str:
        # One quoted identifier holds the whole project.dataset.table path in BigQuery.
        return quote_identifier(self._id(table), "bigquery")

    def _job(self, sql: str, params: dict[str, Any] | None):
        params = params or {}
        config = self.bq.QueryJobConfig(
            query_parameters=[self.bq.ScalarQueryParameter(k, param_type(v), v) for k, v in params.items()]
        )
        try:
            return self.client.query(PARAM.sub(r"@\1", sql), job_config=config).result()
        except Exception as exc:  # the client raises many kinds; callers see one
            raise EngineError(str(exc)) from exc

    def execute(self, sql, params=None):
        self._job(sql, params)

    def query(self, sql, params=None) -> pa.Table:
        return self._job(sql, params).to_arrow(create_bqstorage_client=False)

    def _ensure_dataset(self, table: str) -> None:
        dataset = self.bq.Dataset(self._id(table).rsplit(".", 1)[0])
        dataset.location = self.config.bigquery_location
        self.client.create_dataset(dataset, exists_ok=True)

    def write_arrow(self, table, data, *, replace=True, partition_by=None, cluster_by=None):
        self._ensure_dataset(table)
        schema = [self.bq.SchemaField(f.name, bq_type(f.type)) for f in data.schema]
        if replace or not self._exists(table):
            self.client.delete_table(self._id(table), not_found_ok=True)
            target = self.bq.Table(self._id(table), schema=schema)
            if partition_by:
                target.time_partitioning = self.bq.TimePartitioning(field=partition_by)
            if cluster_by:
                target.clustering_fields = list(cluster_by)
            self.client.create_table(target)
        buffer = io.BytesIO()
        pq.write_table(data, buffer)
        buffer.seek(0)
        # No `size=`: the emulator refuses uploads that pass it (stack notes).
        config = self.bq.LoadJobConfig(
            source_format="PARQUET", schema=schema, write_disposition="WRITE_APPEND"
        )
        try:
            self.client.load_table_from_file(buffer, self._id(table), job_config=config).result()
        except Exception as exc:
            raise EngineError(f"Loading {table}: {exc}") from exc
        return data.num_rows

    def load_parquet(self, table, uris, *, replace=True, partition_by=None, cluster_by=None):
        import pyarrow.dataset as ds

        data = pa.table({})
        if uris:
            # the first file alone would fix the schema: a column added later would be lost
            found = ds.dataset(uris, format="parquet", partitioning="hive")
            schema = pa.unify_schemas([found.schema, *(pq.read_schema(u) for u in uris)])
            data = ds.dataset(uris, schema=schema, format="parquet", partitioning="hive").to_table()
        if partition_by and pa.types.is_string(data.schema.field(partition_by).type):
            # hive folder values arrive as text; BigQuery partitions on a DATE column
            index = data.column_names.index(partition_by)
            data = data.set_column(index, partition_by, data[partition_by].cast(pa.date32()))
        return self.write_arrow(
            table, data, replace=replace, partition_by=partition_by, cluster_by=cluster_by
        )

    def merge(self, target, data, keys):
        if not self._exists(target):
            return self.write_arrow(target, data)
        dataset, name = split_name(target)
        staging = f"{dataset}.{name}__merge_{uuid.uuid4().hex[:8]}"
        self.write_arrow(staging, data)
        cols = data.column_names
        q = {c: quote_identifier(c, "bigquery") for c in cols}
        on = " and ".join(f"t.{q[k]} = s.{q[k]}" for k in keys)
        sets = ", ".join(f"{q[c]} = s.{q[c]}" for c in cols if c not in keys)
        values = ", ".join(f"s.{q[c]}" for c in cols)
        try:
            self.execute(
                f"merge {self.quote(target)} t using {self.quote(staging)} s on {on} "  # noqa: S608 # nosec B608 # quoted identifiers
                f"when matched then update set {sets} "
                f"when not matched then insert ({', '.join(q.values())}) values ({values})"
            )
        finally:
            self.client.delete_table(self._id(staging), not_found_ok=True)
        return data.num_rows

    def _exists(self, table: str) -> bool:
        from google.api_core.exceptions import NotFound

        try:
            self.client.get_table(self._id(table))
            return True
        except NotFound:
            return False

    def tables(self, dataset=None):
        prefix = self.config.dataset_prefix
        datasets = (
            [dataset] if dataset else [d.dataset_id[len(prefix) :] for d in self.client.list_datasets()]
        )
        names = []
        for ds_name in datasets:
            for t in self.client.list_tables(f"{self.config.bigquery_project}.{prefix}{ds_name}"):
                names.append(f"{ds_name}.{t.table_id}")
        return sorted(names)

    def describe(self, table):
        from google.api_core.exceptions import NotFound

        try:
            schema = self.client.get_table(self._id(table)).schema
        except NotFound as exc:
            raise EngineError(f"No table {table}.") from exc
        return [Column(f.name, f.field_type, f.mode != "REQUIRED") for f in schema]

    def table_options(self, table: str) -> dict:
        """Partitioning and clustering of a table (BigQuery-only; for checks and the admin)."""
        t = self.client.get_table(self._id(table))
        field = t.time_partitioning.field if t.time_partitioning else None
        return {"partition_by": field, "cluster_by": list(t.clustering_fields or [])}
