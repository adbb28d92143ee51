from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "warehouse")


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0005_cdc")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
