"""Words people were found to type: cold turkey and tapering (detox), CBT (counselling), moms
(women), fentanyl test strips and syringe services (naloxone and overdose prevention), Probuphine
(buprenorphine); "strips" alone no longer means buprenorphine (fentanyl test strips are not)."""
from django.db import migrations

from directory.taxonomy import update_words

WITHDRAWN = {"BU": (["strips"], ["tiras"])}


def update(apps, schema_editor):
    update_words(term_model=apps.get_model("directory", "Term"), withdrawn=WITHDRAWN)


class Migration(migrations.Migration):
    dependencies = [("directory", "0013_program_active_name_index")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
