"""Classes of words, not single examples: every word for "low cost" ("cheap", "affordable",
"inexpensive", "bajo costo") also means payment assistance and free care beside the sliding fee, and
the words for young people ("youth program", "jóvenes") mean both adolescents and young adults."""
from django.db import migrations

from directory.taxonomy import update_words


def update(apps, schema_editor):
    update_words(term_model=apps.get_model("directory", "Term"), withdrawn={})


class Migration(migrations.Migration):
    dependencies = [("directory", "0016_program_import_provenance")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
