from django.db import migrations

from meetings.seed import load_reference_data


def load(apps, schema_editor):
    load_reference_data(
        fellowship_model=apps.get_model("meetings", "Fellowship"),
        type_model=apps.get_model("meetings", "MeetingType"),
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
