"""metrics.yml: what the loader refuses, the system check, and `manage.py metrics_check`."""

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Column
from reporting import checks
from reporting.metric_layer import METRICS_FILE, MetricDefinitionError, load_metric_layer, metric_layer
from warehouse.reads.models import AccessPolicy


def shipped() -> dict:
    return yaml.safe_load(METRICS_FILE.read_text())


def with_change(name: str, **fields) -> str:
    data = shipped()
    entry = next(m for m in data["metrics"] if m["name"] == name)
    entry.update(fields)
    return yaml.safe_dump(data)


def test_the_shipped_file_declares_every_metric_once():
    layer = metric_layer()
    assert {"arr", "nrr", "grr", "logo_churn", "gross_margin", "sla_compliance"} <= set(layer.metrics)
    assert layer.get("nrr").columns_read[:3] == ("measured_month", "end_mrr", "start_mrr")
    assert layer.get("nrr").columns_read[-1] == "window_months"
    assert checks.metric_layer_valid(None) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, "unknown field.*colour"),
        ({"measure": {"ratio": "end_mrr"}}, "a ratio measure takes 2 column"),
        ({"measure": {"average": "arr"}}, "measure must be one of"),
        ({"dimensions": "tier"}, "`dimensions` must be a list of column names"),
        ({"dimensions": ["tier", "tier"]}, "names a column twice"),
        ({"dimensions": ["measured_month"]}, "cannot be a dimension"),
        ({"filters": [{"column": "window_months", "op": "like", "value": 1}]}, "filter op must be one of"),
        ({"mart": "mart_retention_segment"}, "mart must be `schema.table`"),
        ({"unit": "euro"}, "unit must be one of"),
        ({"time": {"week": "measured_month"}}, "needs a month column"),
        ({"dashboards": ["boardroom"]}, "no dashboard boardroom"),
        ({"owner": ""}, "missing owner"),
    ],
)
def test_a_malformed_metric_is_refused_with_its_name_and_the_problem(change, message):
    with pytest.raises(MetricDefinitionError, match=message) as refused:
        load_metric_layer(with_change("nrr", **change))
    assert "'nrr'" in str(refused.value)


def test_a_quantile_cannot_be_read_at_the_period_end():
    with pytest.raises(MetricDefinitionError, match="a median is a flow"):
        load_metric_layer(with_change("cycle_time_median", period="end"))


def test_a_metric_declared_twice_or_an_unknown_top_level_key_is_refused():
    data = shipped()
    data["metrics"].append(data["metrics"][0])
    with pytest.raises(MetricDefinitionError, match="declared twice"):
        load_metric_layer(yaml.safe_dump(data))
    with pytest.raises(MetricDefinitionError, match="only `version` and a `metrics` list"):
        load_metric_layer(yaml.safe_dump({**shipped(), "owner": "me"}))


def test_the_system_check_reports_a_broken_file(monkeypatch, tmp_path):
    broken = tmp_path / "metrics.yml"
    broken.write_text(with_change("arr", measure={"sum": ["arr", "mrr"]}))
    monkeypatch.setattr(checks, "METRICS_FILE", broken)
    (error,) = checks.metric_layer_valid(None)
    assert error.id == "reporting.E001"
    assert "'arr'" in error.msg


def test_metrics_check_passes_on_the_marts_world(marts_world, capsys):
    call_command("metrics_check")
    assert "All 22 metrics find their marts" in capsys.readouterr().out


def test_metrics_check_names_each_gap(marts_world):
    Column.objects.filter(dataset__name__endswith="mart_retention_segment", name="retained_mrr").delete()
    AccessPolicy.objects.filter(role__name="Executive").update(status=AccessPolicy.Status.RETIRED)
    with pytest.raises(CommandError) as failed:
        call_command("metrics_check")
    report = str(failed.value)
    assert (
        "marts.mart_retention_segment (nrr, grr, logo_churn): the catalog lists no column retained_mrr."
        in report
    )
    assert "role Executive sees a dashboard showing it but has no active policy for it." in report
