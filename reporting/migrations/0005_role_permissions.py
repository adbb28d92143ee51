"""Saved reports and report schedules: their permissions for data stewards and compliance officers
(accounts.roles)."""

from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "reporting")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_saved_reports_schedules")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
