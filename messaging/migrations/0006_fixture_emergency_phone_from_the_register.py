"""VOL-4: a fixture's emergency number is a phone of the club's register, not typed in. Each
number already entered is matched to the register, or entered in it as a club phone."""

import django.db.models.deletion
from django.db import migrations, models


def link_phones(apps, schema_editor):
    Fixture = apps.get_model("messaging", "Fixture")
    ClubPhone = apps.get_model("compliance", "ClubPhone")
    for fixture in Fixture.objects.all():
        phone, _ = ClubPhone.objects.get_or_create(
            number=fixture.emergency_phone.strip(), defaults={"label": f"Match-day phone {fixture.emergency_phone}"}
        )
        fixture.emergency_club_phone = phone
        fixture.save(update_fields=["emergency_club_phone"])


def unlink_phones(apps, schema_editor):
    Fixture = apps.get_model("messaging", "Fixture")
    for fixture in Fixture.objects.select_related("emergency_club_phone"):
        fixture.emergency_phone = fixture.emergency_club_phone.number
        fixture.save(update_fields=["emergency_phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("messaging", "0005_adult_notices"),
    ]

    operations = [
        migrations.AddField(
            model_name="fixture",
            name="emergency_club_phone",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="compliance.clubphone"
            ),
        ),
        migrations.AddField(
            model_name="historicalfixture",
            name="emergency_club_phone",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="compliance.clubphone",
            ),
        ),
        migrations.RunPython(link_phones, unlink_phones),
        migrations.RemoveField(model_name="fixture", name="emergency_phone"),
        migrations.RemoveField(model_name="historicalfixture", name="emergency_phone"),
        migrations.RenameField(model_name="fixture", old_name="emergency_club_phone", new_name="emergency_phone"),
        migrations.RenameField(
            model_name="historicalfixture", old_name="emergency_club_phone", new_name="emergency_phone"
        ),
        migrations.AlterField(
            model_name="fixture",
            name="emergency_phone",
            field=models.ForeignKey(
                help_text="A phone from the club phones register, reachable throughout the match.",
                limit_choices_to={"in_service": True},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="compliance.clubphone",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfixture",
            name="emergency_phone",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="A phone from the club phones register, reachable throughout the match.",
                limit_choices_to={"in_service": True},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="compliance.clubphone",
            ),
        ),
    ]
