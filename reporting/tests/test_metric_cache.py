"""The metric cache: per warehouse run, per reader's access, every read logged, policy changes at once."""

import pytest
from django.utils import timezone

from reporting.cache import CACHE_ENGINE
from reporting.series import metric_series
from reporting.tests.marts_world import JAN, finish_run
from warehouse.models import JobRun
from warehouse.reads.models import AccessLog, AccessPolicy, TenantKey
from warehouse.reads.query import ReadDenied


def test_a_second_read_is_served_from_the_cache_and_logged_as_its_own_read(marts_world, executive):
    first = metric_series(user=executive, metric="arr")
    second = metric_series(user=executive, metric="arr")
    assert (first.cached, second.cached) == (False, True)
    assert second.points == first.points
    miss, hit = AccessLog.objects.order_by("pk")
    assert miss.engine == "duckdb" and hit.engine == CACHE_ENGINE
    assert (hit.user, hit.outcome, hit.row_count) == (executive, AccessLog.Outcome.ALLOWED, miss.row_count)
    assert hit.query_digest == miss.query_digest and hit.datasets == miss.datasets
    assert hit.columns == miss.columns


def test_results_name_their_run_and_a_new_run_means_a_new_entry(
    marts_world, executive, django_capture_on_commit_callbacks
):
    assert metric_series(user=executive, metric="arr").freshness.run_id is None
    run = finish_run(django_capture_on_commit_callbacks)
    fresh = metric_series(user=executive, metric="arr")
    assert (fresh.freshness.run_id, fresh.cached) == (run.pk, False)
    assert f"Warehouse run #{run.pk} (hourly)" in str(fresh.freshness)
    assert metric_series(user=executive, metric="arr").cached
    later = finish_run(django_capture_on_commit_callbacks)
    assert metric_series(user=executive, metric="arr").freshness.run_id == later.pk
    assert AccessLog.objects.exclude(engine=CACHE_ENGINE).count() == 3


def test_a_failed_run_is_not_the_freshness(marts_world, executive, django_capture_on_commit_callbacks):
    run = finish_run(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        JobRun.objects.create(job="hourly", status=JobRun.Status.FAILED, finished_at=timezone.now())
    assert metric_series(user=executive, metric="arr").freshness.run_id == run.pk


def test_readers_with_different_row_filters_never_share_an_entry(marts_world, executive, customer_viewer):
    TenantKey.objects.create(organization=customer_viewer.organization, tenant_id=1)
    everyone = metric_series(user=executive, metric="work_orders_completed")
    own = metric_series(user=customer_viewer, metric="work_orders_completed")
    assert own.cached is False
    assert everyone.value(JAN) == 12 and own.value(JAN) == 8


def test_readers_with_the_same_access_share_an_entry_each_logged(marts_world, executive, data_steward):
    metric_series(user=executive, metric="mrr")
    assert metric_series(user=data_steward, metric="mrr").cached
    assert AccessLog.objects.get(engine=CACHE_ENGINE).user == data_steward


def test_a_retired_policy_applies_to_the_next_read(marts_world, executive):
    metric_series(user=executive, metric="arr")
    AccessPolicy.objects.filter(role__name="Executive").update(status=AccessPolicy.Status.RETIRED)
    with pytest.raises(ReadDenied):
        metric_series(user=executive, metric="arr")
    assert AccessLog.objects.order_by("pk").last().outcome == AccessLog.Outcome.DENIED


def test_a_changed_clearance_is_a_new_entry(marts_world, executive):
    from catalog.tests.factories import level

    metric_series(user=executive, metric="arr")
    AccessPolicy.objects.filter(role__name="Executive").update(clearance=level("L3"))
    assert metric_series(user=executive, metric="arr").cached is False
