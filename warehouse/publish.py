"""Publish the warehouse's cleansed and curated tables to the lake as partitioned Parquet."""

from warehouse import config

# Partition column per published table (by event date where the table has one).
DATE_COLUMNS = ("date_day", "partition_date")


def publish_layers(layers=("cleansed", "curated")) -> int:
    """Write every table of `layers` to the lake's layer of the same name; returns rows written.

    Each partition file is published atomically and named `part-current`, so a re-run replaces
    the previous version instead of adding to it.
    """
    lake, rows = config.lake(), 0
    with config.engine() as engine:
        for layer in layers:
            for table in engine.tables(layer):
                data = engine.read_table(table)
                name = table.split(".", 1)[1]
                partition = [c for c in DATE_COLUMNS if c in data.column_names][:1]
                if partition:
                    data = data.set_column(
                        data.column_names.index(partition[0]), "date", data[partition[0]].cast("string")
                    )
                if not partition:
                    lake.drop_table(layer, name)
                lake.write(layer, name, data, batch="current", partition_by=["date"] if partition else [])
                rows += data.num_rows
    return rows
