"""Catalog benchmark: downstream impact (recursive CTE in PostgreSQL) vs networkx BFS, and
OpenLineage batch ingestion throughput.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodian_x \
        .venv/bin/python benchmarks/catalog_impact.py [--datasets 100000 --edges 300000 \
        --column-edges 1000000 --samples 200 --events 1000]

It creates (and afterwards drops) the test database `test_<name>`, fills it with bulk COPY, and
writes the figures to benchmarks/results/catalog_impact.json.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
COLUMNS_PER_DATASET = 10


def _args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=300_000)
    parser.add_argument("--column-edges", type=int, default=1_000_000)
    parser.add_argument(
        "--window", type=int, default=50, help="An edge goes from dataset i to one of i+1..i+window."
    )
    parser.add_argument("--depth", type=int, default=10)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keepdb", action="store_true", help="Keep the benchmark database afterwards.")
    parser.add_argument(
        "--output", default="catalog_impact.json", help="File name under benchmarks/results/."
    )
    return parser.parse_args()


def _percentiles(values):
    values = sorted(values)
    return {
        "p50_ms": round(statistics.median(values) * 1000, 2),
        "p95_ms": round(values[int(0.95 * (len(values) - 1))] * 1000, 2),
        "max_ms": round(values[-1] * 1000, 2),
    }


def _table_edges(args, rng):
    edges = set()
    while len(edges) < args.edges:
        src = rng.randint(1, args.datasets - 1)
        dst = min(args.datasets, src + rng.randint(1, args.window))
        edges.add((src, dst))
    return sorted(edges)


def _copy(cursor, table, columns, rows):
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _generate(connection, args, rng):
    """Datasets, jobs, columns, table and column edges, written with COPY."""
    now = datetime.now(UTC)
    jobs = max(1, args.datasets // 10)
    edges = _table_edges(args, rng)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        _copy(
            cursor,
            "catalog_dataset",
            [
                "id",
                "namespace",
                "name",
                "layer",
                "description",
                "tags",
                "retention_policy_ref",
                "source",
                "created_at",
                "updated_at",
            ],
            (
                (i, "bench", f"db.schema.t{i}", "curated", "", "[]", "", "manual", now, now)
                for i in range(1, args.datasets + 1)
            ),
        )
        _copy(
            cursor,
            "catalog_job",
            ["id", "namespace", "name", "description"],
            ((j, "bench", f"job{j}", "") for j in range(1, jobs + 1)),
        )
        _copy(
            cursor,
            "catalog_column",
            ["id", "dataset_id", "name", "data_type", "description", "pii_category"],
            (
                ((d - 1) * COLUMNS_PER_DATASET + c + 1, d, f"c{c}", "VARCHAR", "", "")
                for d in range(1, args.datasets + 1)
                for c in range(COLUMNS_PER_DATASET)
            ),
        )
        _copy(
            cursor,
            "catalog_lineageedge",
            ["input_dataset_id", "output_dataset_id", "job_id", "source", "created_at"],
            ((src, dst, src % jobs + 1, "bench", now) for src, dst in edges),
        )
        column_edges = set()
        while len(column_edges) < args.column_edges:
            src, dst = edges[rng.randrange(len(edges))]
            column_edges.add(
                (
                    (src - 1) * COLUMNS_PER_DATASET + rng.randrange(COLUMNS_PER_DATASET) + 1,
                    (dst - 1) * COLUMNS_PER_DATASET + rng.randrange(COLUMNS_PER_DATASET) + 1,
                    src % jobs + 1,
                )
            )
        _copy(
            cursor,
            "catalog_columnlineageedge",
            [
                "input_column_id",
                "output_column_id",
                "job_id",
                "transformation_type",
                "subtype",
                "masking",
                "description",
            ],
            ((i, o, j, "DIRECT", "IDENTITY", False, "") for i, o, j in column_edges),
        )
        for table in ("catalog_dataset", "catalog_job", "catalog_column"):
            maximum = f"(SELECT max(id) FROM {table})"  # noqa: S608  (our own table names)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {maximum})")
        cursor.execute("ANALYZE")
    return edges


def _impact(args, rng, edges):
    import networkx as nx

    from catalog.impact import MAX_NODES, walk

    starts = [rng.randint(1, args.datasets) for _ in range(args.samples)]
    results = {}
    for label, cap in (("cte_default_cap", None), ("cte_max_cap", MAX_NODES)):
        timings, sizes, truncated = [], [], 0
        for start in starts:
            began = time.perf_counter()
            result = walk("dataset", start, "downstream", depth=args.depth, max_nodes=cap)
            timings.append(time.perf_counter() - began)
            sizes.append(len(result.depths))
            truncated += result.truncated_by_node_cap
        results[label] = {
            **_percentiles(timings),
            "mean_nodes": round(statistics.mean(sizes), 1),
            "node_cap_hit": truncated,
        }
    graph = nx.DiGraph()
    began = time.perf_counter()
    graph.add_edges_from(edges)
    build = time.perf_counter() - began
    timings, sizes = [], []
    for start in starts:
        began = time.perf_counter()
        reached = (
            nx.single_source_shortest_path_length(graph, start, cutoff=args.depth)
            if start in graph
            else {0: 0}
        )
        timings.append(time.perf_counter() - began)
        sizes.append(len(reached) - 1)
    results["networkx_bfs"] = {
        **_percentiles(timings),
        "mean_nodes": round(statistics.mean(sizes), 1),
        "graph_build_s": round(build, 2),
    }
    return results


def _event(index):
    source = {"namespace": "bench-ingest", "name": f"src{index}"}
    fields = [{"name": f"c{c}", "type": "VARCHAR"} for c in range(5)]
    facet = {
        "_producer": "https://example.test/bench",
        "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json",
    }
    lineage = {f"c{c}": {"inputFields": [{**source, "field": f"c{c}"}]} for c in range(5)}
    return {
        "eventType": "COMPLETE",
        "eventTime": "2026-11-27T05:00:00Z",
        "producer": "https://example.test/bench",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": str(uuid.UUID(int=index + 1))},
        "job": {"namespace": "bench-ingest", "name": f"job{index}"},
        "inputs": [{**source, "facets": {"schema": {**facet, "fields": fields}}}],
        "outputs": [
            {
                "namespace": "bench-ingest",
                "name": f"out{index}",
                "facets": {
                    "schema": {**facet, "fields": fields},
                    "columnLineage": {**facet, "fields": lineage},
                },
            }
        ],
    }


def _ingest(args):
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts import roles
    from accounts.models import User
    from accounts.services import api_token_create

    user = User.objects.create(username="bench-steward", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.DATA_STEWARD))
    _, raw = api_token_create(user=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    began, stored = time.perf_counter(), 0
    for first in range(0, args.events, args.batch_size):
        batch = [_event(i) for i in range(first, min(args.events, first + args.batch_size))]
        response = client.post("/api/v1/lineage/batch", json.dumps(batch), content_type="application/json")
        stored += response.json()["summary"]["successful"]
    elapsed = time.perf_counter() - began
    return {"events": stored, "seconds": round(elapsed, 2), "events_per_s": round(stored / elapsed, 1)}


def main():
    args = _args()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark measures PostgreSQL.")
    setup_test_environment()
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    rng = random.Random(args.seed)  # noqa: S311  (a reproducible graph, not a secret)
    try:
        began = time.perf_counter()
        edges = _generate(connection, args, rng)
        generation = round(time.perf_counter() - began, 1)
        impact = _impact(args, rng, edges)
        ingest = _ingest(args)
    finally:
        if not args.keepdb:
            connection.creation.destroy_test_db(original, verbosity=0)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "size": {
            "datasets": args.datasets,
            "table_edges": len(edges),
            "column_edges": args.column_edges,
            "window": args.window,
        },
        "generation_s": generation,
        "depth": args.depth,
        "samples": args.samples,
        "impact_downstream": impact,
        "openlineage_batch_ingest": ingest,
        "target": "downstream depth 10 p95 < 100 ms",
    }
    _print(report)
    out = ROOT / "benchmarks" / "results" / args.output
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


def _print(report):
    size = report["size"]
    print(
        f"graph: {size['datasets']:,} datasets, {size['table_edges']:,} table edges, "
        f"{size['column_edges']:,} column edges (generated in {report['generation_s']} s)"
    )
    print(f"downstream impact, depth {report['depth']}, {report['samples']} random starts:")
    print(f"  {'method':<22}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'mean nodes':>12}")
    for method, f in report["impact_downstream"].items():
        print(f"  {method:<22}{f['p50_ms']:>10}{f['p95_ms']:>10}{f['max_ms']:>10}{f['mean_nodes']:>12}")
    ingest = report["openlineage_batch_ingest"]
    events, seconds, rate = ingest["events"], ingest["seconds"], ingest["events_per_s"]
    print(f"OpenLineage batch ingest: {events} events in {seconds} s = {rate} events/s")
    print(f"target: {report['target']}")


if __name__ == "__main__":
    main()
