"""Deviations get a due date; those recorded before it existed are due 30 days after they occurred."""

from datetime import timedelta

import django.db.models
from django.db import migrations

import accounts.validators

DEFAULT_DUE_DAYS = 30  # governance.models.deviations.DEFAULT_DUE_DAYS when this was written


def fill_due_dates(apps, schema_editor):
    Deviation = apps.get_model("governance", "Deviation")
    for deviation in Deviation.objects.filter(due_date__isnull=True).only("pk", "occurred_on"):
        deviation.due_date = deviation.occurred_on + timedelta(days=DEFAULT_DUE_DAYS)
        deviation.save(update_fields=["due_date"])


class Migration(migrations.Migration):
    dependencies = [("governance", "0012_data_quality_checks_scores_slas")]

    operations = [
        migrations.AddField(
            model_name="deviation",
            name="due_date",
            field=django.db.models.DateField(null=True),
        ),
        migrations.RunPython(fill_due_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deviation",
            name="due_date",
            field=django.db.models.DateField(
                blank=True,
                help_text="Date by which it must be closed; empty: 30 days after it occurred.",
                validators=[accounts.validators.validate_calendar_date],
            ),
        ),
    ]
