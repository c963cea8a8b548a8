"""Normalise the meetings' stored conference phones with the function forms and imports use (phones.numbers).

Numbers saved before phones were validated are rewritten in E.164 with their one-tap codes kept,
"+14105550123,,123456#"; a value that is not a dialable number is emptied, and a meeting left with
no conference link either is no longer counted as attended online. Each meeting changed gets an
admin history entry with the old and new values. Not reversible (migrating back leaves the numbers).
"""
from django.conf import settings
from django.db import migrations

from phones import numbers
from phones.stored import normalise_stored_phones

# meetings.models.Attendance, as stored.
IN_PERSON, ONLINE, HYBRID, INACTIVE = "in_person", "online", "hybrid", "inactive"


def without_conference_phone(meeting) -> list[str]:
    """A meeting whose only way to join online was its (removed) conference phone is no longer online."""
    if meeting.conference_phone or meeting.conference_url:
        return []
    attendance = {HYBRID: IN_PERSON, ONLINE: INACTIVE}.get(meeting.attendance, meeting.attendance)
    if attendance == meeting.attendance:
        return []
    meeting.attendance = attendance
    return ["attendance"]


def normalise_conference_phones(apps, schema_editor):
    normalise_stored_phones(
        apps, model="meetings.Meeting",
        fields={"conference_phone": ("Conference phone", numbers.normalize_conference)},
        also=("conference_url", "attendance"), adjust=without_conference_phone,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_merge_20261201_2334"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(normalise_conference_phones, migrations.RunPython.noop, elidable=True),
    ]
