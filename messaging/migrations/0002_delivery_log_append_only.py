"""The delivery log is evidence of what was sent (MSG-9): the database refuses to change it."""

from django.db import migrations

from sefton_safety.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [refuse_changes("messaging_deliverylogentry", "the delivery log cannot be changed")]
