import pytest

from warehouse import config
from warehouse.demo import seed_warehouse
from warehouse.models import JobRun

pytestmark = pytest.mark.django_db


def test_demo_builds_the_marts_once_and_a_second_seed_changes_nothing(warehouse_dirs):
    assert seed_warehouse(tenants=3, months=2).endswith("succeeded")
    files = {t: config.lake().files("raw", t) for t in config.lake().tables("raw")}
    with config.engine() as engine:
        months = engine.query("select count(*) as n from marts.mart_revenue_monthly").column("n")[0].as_py()
    assert months == 2
    assert seed_warehouse(tenants=3, months=2) == "demo warehouse already built from this source"
    assert JobRun.objects.count() == 1
    assert {t: config.lake().files("raw", t) for t in config.lake().tables("raw")} == files
