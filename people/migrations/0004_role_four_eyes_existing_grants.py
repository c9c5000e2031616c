"""Committee and welfare roles granted before four eyes stay in effect, decided when granted;
then the database holds the rule."""

from django.db import migrations, models
from django.utils import timezone

FOUR_EYES_KINDS = ["committee", "welfare_officer", "deputy_welfare_officer"]


def record_existing_grants_as_decided(apps, schema_editor):
    """Committee and welfare roles granted before a second confirmation was needed stay in effect,
    decided when they were granted, and their history says so."""
    Role = apps.get_model("people", "Role")
    HistoricalRole = apps.get_model("people", "HistoricalRole")
    for role in Role.objects.filter(kind__in=FOUR_EYES_KINDS, status="in_effect", decided_at__isnull=True):
        role.decided_at = role.granted_at
        role.save(update_fields=["decided_at"])
        fields = {field.attname: getattr(role, field.attname) for field in Role._meta.concrete_fields}
        HistoricalRole.objects.create(
            **fields,
            history_date=timezone.now(),
            history_type="~",
            history_change_reason="In effect before grants needed a second confirmation.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_role_four_eyes_confirmation"),
    ]

    operations = [
        migrations.RunPython(record_existing_grants_as_decided, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="role",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "in_effect"), _negated=True),
                    models.Q(("kind__in", ["committee", "welfare_officer", "deputy_welfare_officer"]), _negated=True),
                    ("decided_at__isnull", False),
                    _connector="OR",
                ),
                name="people_role_four_eyes_kinds_in_effect_only_when_decided",
            ),
        ),
        migrations.AddConstraint(
            model_name="role",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "in_effect"), _negated=True),
                    ("decided_by__isnull", True),
                    models.Q(("decided_by", models.F("granted_by")), _negated=True),
                    _connector="OR",
                ),
                name="people_role_nobody_confirms_their_own_request",
            ),
        ),
    ]
