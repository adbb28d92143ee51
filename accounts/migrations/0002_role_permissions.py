from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    for app_label in ["accounts", "auditlog"]:
        grant_role_permissions(apps, app_label)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
