from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "governance")


class Migration(migrations.Migration):
    dependencies = [("governance", "0013_deviation_due_date")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
