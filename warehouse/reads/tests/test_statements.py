"""Statement: a queryset's SQL compiled once, run with each call's values, same rows as the queryset."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from warehouse.reads.statements import Statement


def named(name):
    return Group.objects.filter(name=name).order_by("pk").values_list("pk", "name")


def test_each_call_binds_its_own_values_and_gives_the_querysets_rows(db):
    statement = Statement(named, name="<marker>")
    for name in (roles.EXECUTIVE, roles.DATA_STEWARD, "no such role"):
        assert statement.rows(name=name) == list(named(name))
    Group.objects.create(name="Added later")
    assert statement.rows(name="Added later") == list(named("Added later"))  # the data is never kept


def test_a_marker_missing_from_the_sql_is_refused(db):
    statement = Statement(lambda name: Group.objects.values_list("pk"), name="<marker>")
    with pytest.raises(ValueError, match="no parameter for \\['name'\\]"):
        statement.rows(name="x")
