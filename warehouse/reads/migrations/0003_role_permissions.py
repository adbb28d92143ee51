from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "warehouse_reads")


class Migration(migrations.Migration):
    dependencies = [("warehouse_reads", "0002_defaults")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
