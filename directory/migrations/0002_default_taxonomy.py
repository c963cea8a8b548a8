from django.db import migrations

from directory.taxonomy import load_default_taxonomy


def load(apps, schema_editor):
    load_default_taxonomy(category_model=apps.get_model("directory", "Category"), term_model=apps.get_model("directory", "Term"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
