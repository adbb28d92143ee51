"""System check: metrics.yml parses and validates (the catalog and warehouse are checked by
`manage.py metrics_check`, which needs a live warehouse)."""

from django.core import checks

from reporting.metric_layer import METRICS_FILE, MetricDefinitionError, load_metric_layer


@checks.register()
def metric_layer_valid(app_configs, **kwargs):
    try:
        load_metric_layer(METRICS_FILE.read_text())
    except MetricDefinitionError as exc:
        return [checks.Error(str(exc), hint="Fix reporting/metrics.yml.", id="reporting.E001")]
    return []
