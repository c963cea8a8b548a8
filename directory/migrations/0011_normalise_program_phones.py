"""Normalise the programs' stored phone numbers with the function forms and imports use (phones.numbers).

Numbers saved before phones were validated are rewritten in national format, "(410) 555-0123",
extension kept; a value that is not a dialable US number ("call us", "410-555-01") is emptied.
Each program changed gets an admin history entry with the old and new values. Not reversible
(migrating back leaves the normalised numbers as they are).
"""
from django.conf import settings
from django.db import migrations

from phones import numbers
from phones.stored import normalise_stored_phones


def normalise_program_phones(apps, schema_editor):
    normalise_stored_phones(apps, model="directory.Program", fields={
        "phone": ("Main phone", numbers.normalize),
        "intake_phone": ("Intake phone", numbers.normalize),
    })


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0010_weekday_sunday_first"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(normalise_program_phones, migrations.RunPython.noop, elidable=True),
    ]
