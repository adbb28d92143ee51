"""Impact analysis walks (recursive CTE): depth, node cap, cycles, diamonds, both directions."""

import re

import pytest

from catalog.impact import walk
from catalog.selectors import dataset_graph
from catalog.tests.factories import DatasetFactory, JobFactory, chain

pytestmark = pytest.mark.django_db


def test_downstream_and_upstream_with_depths():
    a, b, c = DatasetFactory(), DatasetFactory(), DatasetFactory()
    chain(a, b, c)
    assert walk("dataset", a.pk, "downstream", depth=5).depths == {b.pk: 1, c.pk: 2}
    assert walk("dataset", c.pk, "upstream", depth=5).depths == {b.pk: 1, a.pk: 2}
    assert walk("dataset", c.pk, "downstream", depth=5).depths == {}


def test_a_diamond_reports_the_shortest_distance_once():
    a, b, c, d = (DatasetFactory() for _ in range(4))
    chain(a, b, d)
    chain(a, c)
    chain(c, d, job=JobFactory())
    chain(a, d, job=JobFactory())
    result = walk("dataset", a.pk, depth=3)
    assert result.depths == {b.pk: 1, c.pk: 1, d.pk: 1}
    assert not result.truncated


def test_cycles_terminate_and_exclude_the_start():
    a, b = DatasetFactory(), DatasetFactory()
    chain(a, b, a)
    result = walk("dataset", a.pk, depth=20)
    assert result.depths == {b.pk: 1}
    # The cycle always has more beyond the depth limit, but only nodes already seen.
    assert walk("dataset", a.pk, depth=1).depths == {b.pk: 1}


def test_depth_limit_is_reported_as_truncation():
    nodes = [DatasetFactory() for _ in range(5)]
    chain(*nodes)
    result = walk("dataset", nodes[0].pk, depth=2)
    assert list(result.depths) == [nodes[1].pk, nodes[2].pk]
    assert result.truncated_by_depth and not result.truncated_by_node_cap
    assert not walk("dataset", nodes[0].pk, depth=4).truncated


def test_node_cap_keeps_the_nearest_and_reports_truncation():
    hub = DatasetFactory()
    job = JobFactory()
    near = [DatasetFactory() for _ in range(3)]
    for dataset in near:
        chain(hub, dataset, job=job)
    far = DatasetFactory()
    chain(near[0], far)
    result = walk("dataset", hub.pk, depth=5, max_nodes=3)
    assert set(result.depths) == {d.pk for d in near}
    assert result.truncated_by_node_cap


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="direction"):
        walk("dataset", 1, "sideways")
    with pytest.raises(ValueError, match="at least 1"):
        walk("dataset", 1, depth=0)
    with pytest.raises(ValueError, match="whole numbers"):
        walk("dataset", 1, depth="ten")


def test_graph_places_upstream_left_and_downstream_right():
    raw, cleansed, mart = DatasetFactory(name="r"), DatasetFactory(name="c"), DatasetFactory(name="m")
    chain(raw, cleansed, mart)
    graph = dataset_graph(dataset=cleansed)
    svg = graph["svg"]
    x = {
        int(pk): int(left)
        for pk, left in re.findall(r'dataset/(\d+)/change/"><title>[^<]*</title><rect x="(\d+)"', svg)
    }
    assert x[raw.pk] < x[cleansed.pk] < x[mart.pk]
    assert [d for d, _ in graph["upstream"]] == [raw] and [d for d, _ in graph["downstream"]] == [mart]


def test_removed_datasets_and_columns_drop_out_of_current_lineage_and_come_back():
    from catalog.services.datasets import column_mark_removed, dataset_mark_removed, dataset_upsert
    from catalog.tests.factories import ColumnFactory, column_edge

    a, b, c = DatasetFactory(), DatasetFactory(), DatasetFactory()
    chain(a, b, c)
    dataset_mark_removed(dataset=b)
    assert walk("dataset", a.pk).depths == {}
    assert walk("dataset", c.pk, "upstream").depths == {}
    assert dataset_graph(dataset=a)["downstream"] == []
    x, y, z = ColumnFactory(dataset=a), ColumnFactory(dataset=c), ColumnFactory(dataset=c)
    column_edge(x, y), column_edge(x, z)
    column_mark_removed(column=z)
    assert walk("column", x.pk).depths == {y.pk: 1}
    dataset_mark_removed(dataset=c)
    assert walk("column", x.pk).depths == {}  # a live column of a removed table is not current either
    for found_again in (b, c):
        dataset_upsert(namespace=found_again.namespace, name=found_again.name)
    assert walk("dataset", a.pk).depths == {b.pk: 1, c.pk: 2}
    assert walk("column", x.pk).depths == {y.pk: 1}
