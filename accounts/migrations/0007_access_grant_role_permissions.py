from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "accounts")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_access_grants")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
