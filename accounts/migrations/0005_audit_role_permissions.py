from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "accounts")
    # auditlog's own LogEntry is swapped out for accounts.AuditEntry: its permission goes.
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    stale = Permission.objects.filter(content_type__app_label="auditlog", codename="view_logentry")
    for group in Group.objects.all():
        group.permissions.remove(*stale)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_audit_trail_append_only")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
