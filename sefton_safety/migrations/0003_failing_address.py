"""Addresses the mail relay refused outright, for the committee's dashboard."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sefton_safety', '0002_club_settings'),
    ]

    operations = [
        migrations.CreateModel(
            name='FailingAddress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('address', models.CharField(help_text='In lower case.', max_length=254, unique=True)),
                ('reason', models.CharField(help_text="The relay's own words.", max_length=500)),
                ('first_failed_at', models.DateTimeField(auto_now_add=True)),
                ('last_failed_at', models.DateTimeField()),
                ('failures', models.PositiveIntegerField(default=1)),
            ],
            options={
                'ordering': ['-last_failed_at'],
            },
        ),
    ]
