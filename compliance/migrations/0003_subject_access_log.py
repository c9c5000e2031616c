"""The log of every attempt to export a family's data, append-only in the database itself."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from sefton_safety.append_only import refuse_changes, refuse_replace

MESSAGE = "the subject access log cannot be changed"


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0002_publish_policy_version_1'),
        ('people', '0004_merge_sign_in_and_contact_details'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SubjectAccessLogEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('allowed', models.BooleanField()),
                ('reason', models.CharField(help_text='Why it was refused, or what was exported.', max_length=120)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('address', models.GenericIPAddressField(blank=True, null=True)),
                ('session', models.CharField(blank=True, help_text="A digest of the sign-in's session.", max_length=32, null=True)),
                ('family', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.family')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'subject access export',
                'verbose_name_plural': 'subject access log',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['family', 'at'], name='compliance_sar_family_time_idx')],
            },
        ),
        refuse_changes("compliance_subjectaccesslogentry", MESSAGE),
        refuse_replace("compliance_subjectaccesslogentry", MESSAGE),
    ]
