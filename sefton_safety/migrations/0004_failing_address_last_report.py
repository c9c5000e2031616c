"""The delivery report last counted for a failing address, so a report posted twice counts once."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sefton_safety', '0003_failing_address'),
    ]

    operations = [
        migrations.AddField(
            model_name='failingaddress',
            name='last_report',
            field=models.CharField(blank=True, help_text='The delivery report last counted (its Message-ID), so a report posted twice counts once.', max_length=255),
        ),
    ]
