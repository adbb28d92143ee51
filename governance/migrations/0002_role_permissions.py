from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    for app_label in ["governance"]:
        grant_role_permissions(apps, app_label)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial"), ("accounts", "0002_role_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
