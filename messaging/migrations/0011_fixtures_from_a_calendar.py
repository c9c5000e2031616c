"""MSG-10: fixtures imported from a team's calendar, matched by the event's UID; each notice keeps
the start it gave, so a fixture moved after its notices went gets new ones. A notice sent before
this gave its fixture's start as it is now."""

from django.db import migrations, models


def notices_gave_the_fixtures_start(apps, schema_editor):
    FixtureNotice = apps.get_model("messaging", "FixtureNotice")
    for notice in FixtureNotice.objects.select_related("fixture"):
        notice.starts_at = notice.fixture.starts_at
        notice.save(update_fields=["starts_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0004_merge_parallel_changes'),
        ('messaging', '0010_merge_form_limits'),
        ('people', '0006_merge_retention'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='fixturenotice',
            name='messaging_one_notice_each',
        ),
        migrations.AddField(
            model_name='fixture',
            name='calendar_uid',
            field=models.CharField(blank=True, editable=False, help_text="The event's UID in the team's fixtures calendar, which a re-import matches it by.", max_length=255),
        ),
        migrations.AddField(
            model_name='fixturenotice',
            name='starts_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='historicalfixture',
            name='calendar_uid',
            field=models.CharField(blank=True, editable=False, help_text="The event's UID in the team's fixtures calendar, which a re-import matches it by.", max_length=255),
        ),
        migrations.AddConstraint(
            model_name='fixture',
            constraint=models.UniqueConstraint(condition=models.Q(('calendar_uid', ''), _negated=True), fields=('team', 'calendar_uid'), name='messaging_fixture_one_per_calendar_event'),
        ),
        migrations.RunPython(notices_gave_the_fixtures_start, migrations.RunPython.noop),
    ]
