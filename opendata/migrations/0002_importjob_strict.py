"""Imports keep their usable rows by default: ImportJob.skip_invalid (default off) becomes strict (default off)."""
from django.db import migrations, models


def strict_from_skip_invalid(apps, schema_editor):
    ImportJob = apps.get_model("opendata", "ImportJob")
    ImportJob.objects.filter(skip_invalid=False).update(strict=True)


def skip_invalid_from_strict(apps, schema_editor):
    ImportJob = apps.get_model("opendata", "ImportJob")
    ImportJob.objects.filter(strict=False).update(skip_invalid=True)


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="strict",
            field=models.BooleanField(
                default=False,
                help_text="All or nothing: import nothing if any row is rejected (otherwise the usable rows).",
            ),
        ),
        migrations.RunPython(strict_from_skip_invalid, skip_invalid_from_strict),
        migrations.RemoveField(model_name="importjob", name="skip_invalid"),
    ]
