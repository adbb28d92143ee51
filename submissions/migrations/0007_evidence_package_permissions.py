from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "submissions")


class Migration(migrations.Migration):
    dependencies = [("submissions", "0006_evidence_package")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
