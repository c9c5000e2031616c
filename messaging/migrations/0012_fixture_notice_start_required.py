"""Each fixture notice gives its start, now that every earlier one has it (0011); in a migration of
its own so the table is altered in another transaction than the one that filled the column."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("messaging", "0011_fixtures_from_a_calendar")]

    operations = [
        migrations.AlterField(
            model_name='fixturenotice',
            name='starts_at',
            field=models.DateTimeField(),
        ),
        migrations.AddConstraint(
            model_name='fixturenotice',
            constraint=models.UniqueConstraint(fields=('fixture', 'guardian', 'starts_at'), name='messaging_one_notice_each'),
        ),
    ]
