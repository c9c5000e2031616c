"""Publishes each policy version already in force as the text young members agree to (CON-5), so
guardians' answers from now on name the version in force."""

from django.db import migrations


def publish(apps, schema_editor):
    PolicyVersion = apps.get_model("compliance", "PolicyVersion")
    Wording = apps.get_model("consents", "Wording")
    for version in PolicyVersion.objects.order_by("version"):
        Wording.objects.get_or_create(
            kind="policy",
            version=version.version,
            defaults={"title": version.title, "body": version.body, "published_by": version.published_by},
        )


def unpublish(apps, schema_editor):
    apps.get_model("consents", "Wording").objects.filter(kind="policy", agreements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0002_publish_policy_version_1"),
        ("consents", "0003_policy_versions_in_answers_and_agreements"),
    ]

    operations = [migrations.RunPython(publish, unpublish)]
