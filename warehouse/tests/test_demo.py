import pytest
import time_machine

from warehouse import config
from warehouse.demo import seed_warehouse
from warehouse.models import JobRun

pytestmark = pytest.mark.django_db


def _months():
    with config.engine() as engine:
        rows = engine.query("select month_start from marts.mart_revenue_monthly order by 1")
    return [m.strftime("%Y-%m") for m in rows.column("month_start").to_pylist()]


def _raw_files():
    return {t: config.lake().files("raw", t) for t in config.lake().tables("raw")}


def test_demo_builds_24_months_up_to_the_current_one_once(warehouse_dirs):
    with time_machine.travel("2026-12-15 10:00Z", tick=False):
        assert seed_warehouse(tenants=2).endswith("succeeded")
        months, files = _months(), _raw_files()
        assert (months[0], months[-1], len(months)) == ("2025-01", "2026-12", 24)
        assert seed_warehouse(tenants=2) == "demo warehouse already built from this source"
    assert JobRun.objects.count() == 1
    assert _raw_files() == files


def test_demo_in_a_later_month_replaces_the_source_instead_of_mixing_two(warehouse_dirs):
    with time_machine.travel("2026-11-20 10:00Z", tick=False):
        seed_warehouse(tenants=2)
    with time_machine.travel("2027-01-05 10:00Z", tick=False):
        assert seed_warehouse(tenants=2).endswith("succeeded")
        assert _months() == [f"2025-{m:02d}" for m in range(2, 13)] + [
            f"2026-{m:02d}" for m in range(1, 13)
        ] + ["2027-01"]
    run = JobRun.objects.latest("pk")
    assert run.full_refresh
