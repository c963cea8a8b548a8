from django.db import migrations

from directory.taxonomy import seed_words


def seed(apps, schema_editor):
    seed_words(category_model=apps.get_model("directory", "Category"), term_model=apps.get_model("directory", "Term"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_term_synonyms_and_spanish_names")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
