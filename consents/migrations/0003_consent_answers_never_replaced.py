"""On SQLite, no consent answer can be replaced by `INSERT OR REPLACE`."""

from django.db import migrations

from sefton_safety.append_only import refuse_replace


class Migration(migrations.Migration):
    dependencies = [("consents", "0002_append_only_and_first_wordings")]

    operations = [
        refuse_replace("consents_consent", "consent answers are append-only: record a new answer instead")
    ]
