# Opening hours number days as the rest of the portal does (places.weekdays): 0 = Sunday, not Monday.

import django.db.models.expressions
import django.db.models.functions.math
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0009_program_phone_validation'),
    ]

    operations = [
        migrations.RunSQL(
            "UPDATE directory_openinghours SET weekday = (weekday + 1) % 7",
            reverse_sql="UPDATE directory_openinghours SET weekday = (weekday + 6) % 7",
        ),
        migrations.AlterModelOptions(
            name='openinghours',
            options={'ordering': [django.db.models.functions.math.Mod(django.db.models.expressions.CombinedExpression(models.F('weekday'), '+', models.Value(6)), 7), 'opens'], 'verbose_name_plural': 'opening hours'},
        ),
        migrations.AlterField(
            model_name='openinghours',
            name='weekday',
            field=models.PositiveSmallIntegerField(choices=[(0, 'Sunday'), (1, 'Monday'), (2, 'Tuesday'), (3, 'Wednesday'), (4, 'Thursday'), (5, 'Friday'), (6, 'Saturday')]),
        ),
    ]
