"""The club's settings as data, and a way for the portal's role to lengthen a retention period.

The portal's role may not write the database's copy of the periods (0001): shortening one waits
for the owner's next migrate. Lengthening only keeps records longer, so the committee's settings
page may do it at once, through a function of the owner that refuses to shorten."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from sefton_safety.append_only import sql_by_vendor

LENGTHEN = """
CREATE FUNCTION sefton_retention_lengthen(p_kind text, p_years integer) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ UPDATE sefton_retention_period SET keep = make_interval(years => p_years)
          WHERE kind = p_kind AND keep < make_interval(years => p_years) $$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('sefton_safety', '0001_retention_periods'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ClubSettings',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False)),
                ('name', models.CharField(blank=True, max_length=120, verbose_name='club name')),
                ('colour', models.CharField(blank=True, help_text='The bar at the top of each page, as #rrggbb.', max_length=7, verbose_name='club colour')),
                ('time_zone', models.CharField(blank=True, help_text='For example "Europe/London".', max_length=64)),
                ('office_hours_weekdays', models.CharField(blank=True, help_text='MSG-3: when texts and emails may reach a child, Monday to Friday.', max_length=32)),
                ('office_hours_weekends', models.CharField(blank=True, help_text='MSG-3: Saturday and Sunday.', max_length=32)),
                ('school_names', models.TextField(blank=True, help_text="MSG-4: schools a message may not name, one a line (the children's own are added).")),
                ('emergency_phone', models.CharField(blank=True, help_text='Shown on every page and the outage page.', max_length=32, verbose_name='emergency club phone')),
                ('text_copies_to', models.CharField(blank=True, choices=[('lead_welfare_officer', 'The lead welfare officer'), ('deputies', 'The deputy welfare officers'), ('guardians', "The child's guardians")], max_length=32)),
                ('adult_replies_to', models.CharField(blank=True, choices=[('author', "The message's author"), ('welfare_officers', 'The welfare officers')], max_length=32)),
                ('retention_consent_years', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_message_years', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_read_log_years', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_case_years', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_case_child_age', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_sign_in_days', models.PositiveSmallIntegerField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'club settings',
                'verbose_name_plural': 'club settings',
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='club_settings_single_row')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalClubSettings',
            fields=[
                ('id', models.PositiveSmallIntegerField(db_index=True, default=1, editable=False)),
                ('name', models.CharField(blank=True, max_length=120, verbose_name='club name')),
                ('colour', models.CharField(blank=True, help_text='The bar at the top of each page, as #rrggbb.', max_length=7, verbose_name='club colour')),
                ('time_zone', models.CharField(blank=True, help_text='For example "Europe/London".', max_length=64)),
                ('office_hours_weekdays', models.CharField(blank=True, help_text='MSG-3: when texts and emails may reach a child, Monday to Friday.', max_length=32)),
                ('office_hours_weekends', models.CharField(blank=True, help_text='MSG-3: Saturday and Sunday.', max_length=32)),
                ('school_names', models.TextField(blank=True, help_text="MSG-4: schools a message may not name, one a line (the children's own are added).")),
                ('emergency_phone', models.CharField(blank=True, help_text='Shown on every page and the outage page.', max_length=32, verbose_name='emergency club phone')),
                ('text_copies_to', models.CharField(blank=True, choices=[('lead_welfare_officer', 'The lead welfare officer'), ('deputies', 'The deputy welfare officers'), ('guardians', "The child's guardians")], max_length=32)),
                ('adult_replies_to', models.CharField(blank=True, choices=[('author', "The message's author"), ('welfare_officers', 'The welfare officers')], max_length=32)),
                ('retention_consent_years', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_message_years', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_read_log_years', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_case_years', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_case_child_age', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('retention_sign_in_days', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical club settings',
                'verbose_name_plural': 'historical club settings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        sql_by_vendor(
            {"postgresql": LENGTHEN},
            {"postgresql": "DROP FUNCTION IF EXISTS sefton_retention_lengthen(text, integer);"},
        ),
    ]
