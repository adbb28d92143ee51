"""System checks: fail at start-up, not in the first warehouse run, when BigQuery cannot work."""

from django.conf import settings
from django.core import checks

from warehouse.engine.packages import INSTALL_HINT, bigquery_packages_missing


@checks.register(checks.Tags.compatibility)
def bigquery_packages_check(app_configs=None, **kwargs):
    if settings.WAREHOUSE_BACKEND != "bigquery":
        return []
    missing = bigquery_packages_missing()
    if not missing:
        return []
    return [
        checks.Error(
            f"WAREHOUSE_BACKEND=bigquery but {', '.join(missing)} cannot be imported.",
            hint=f"The default install leaves the BigQuery packages out: {INSTALL_HINT}.",
            id="warehouse.E001",
        )
    ]
