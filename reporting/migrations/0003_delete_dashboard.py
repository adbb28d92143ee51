"""The placeholder Dashboard model goes: dashboards are declared in code (reporting.dashboards).

Its permissions are deleted with it (and so taken from the roles that held them); the content
type is left for `remove_stale_contenttypes`, since audit entries may point at it.
"""

from django.db import migrations


def drop_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="reporting", content_type__model="dashboard").delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_role_permissions"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(drop_permissions, migrations.RunPython.noop),
        migrations.DeleteModel(name="Dashboard"),
    ]
