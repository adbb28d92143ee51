"""Data migration: one dataset per physical table (see catalog.services.identity).

The merge runs through the catalog's service on the real models, not on historical ones: every
rename, moved column and deleted twin must reach the audit trail, whose entries are hash-chained
by the real models' save. On a database that holds no legacy identity (every new one) the
historical models find nothing and the service is never reached.
"""

from django.db import migrations
from django.db.models import Q


def merge_twins(apps, schema_editor):
    historical = apps.get_model("catalog", "Dataset")
    legacy = Q(namespace="duckdb") | Q(namespace__startswith="duckdb://") | Q(namespace__startswith="file://")
    legacy |= Q(namespace="file", name__startswith="lake/raw/")
    legacy |= Q(namespace__startswith="gs://", name__startswith="raw/")
    if not historical.objects.filter(legacy).exists():
        return
    from accounts.audit import acting_as, system_user
    from catalog.services.identity import dataset_identities_migrate

    actor = system_user()
    with acting_as(actor):
        dataset_identities_migrate(actor=actor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_dataset_column_removed"),
        ("accounts", "0007_access_grant_role_permissions"),
    ]

    operations = [migrations.RunPython(merge_twins, migrations.RunPython.noop)]
