from django.db import migrations

from accounts.roles import grant_role_permissions
from catalog.reference import load_classifications


def load(apps, schema_editor):
    load_classifications(apps.get_model("catalog", "Classification"))


def grant(apps, schema_editor):
    grant_role_permissions(apps, "catalog")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_catalog_model")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
