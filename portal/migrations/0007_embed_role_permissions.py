from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "portal")


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_embed_links")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
