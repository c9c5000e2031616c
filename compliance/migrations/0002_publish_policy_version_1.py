"""Publishes the club's policy as it stands, as version 1, so volunteers can acknowledge it at once."""

from datetime import date
from pathlib import Path

from django.db import migrations

POLICY = Path(__file__).resolve().parent.parent / "policy_v1.txt"


def publish(apps, schema_editor):
    PolicyVersion = apps.get_model("compliance", "PolicyVersion")
    if not PolicyVersion.objects.exists():
        PolicyVersion.objects.create(
            version=1,
            title="Online Safety and Social Media Policy",
            body=POLICY.read_text(encoding="utf-8"),
            published_on=date(2026, 4, 1),
            review_by=date(2027, 4, 1),
        )


def unpublish(apps, schema_editor):
    apps.get_model("compliance", "PolicyVersion").objects.filter(version=1, published_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(publish, unpublish)]
