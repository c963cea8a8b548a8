"""Each installation gets its own namespace for the HSDS identifiers it publishes, made at random here.

OPENDATA_ID_NAMESPACE, when set at the first migrate, is stored instead (and always wins later).
"""
import uuid

from django.conf import settings
from django.db import migrations, models


def make_namespace(apps, schema_editor):
    IdentifierNamespace = apps.get_model("opendata", "IdentifierNamespace")
    configured = getattr(settings, "OPENDATA_ID_NAMESPACE", "") or ""
    IdentifierNamespace.objects.get_or_create(
        pk=1, defaults={"namespace": uuid.UUID(configured) if configured else uuid.uuid4()}
    )


class Migration(migrations.Migration):

    dependencies = [
        ('opendata', '0002_importjob_strict'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdentifierNamespace',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('namespace', models.UUIDField(default=uuid.uuid4, help_text="Every HSDS identifier this portal publishes derives from it. Changing it changes every published identifier: other sites' copies and links no longer find the records, and re-importing an older export of this portal creates duplicates instead of updating. Change it only before data is shared.", unique=True, verbose_name='identifier namespace')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('updated', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'identifier namespace',
                'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='identifier_namespace_single_row')],
            },
        ),
        migrations.RunPython(make_namespace, migrations.RunPython.noop),
    ]
