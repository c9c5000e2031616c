"""On SQLite, no delivery log entry can be replaced by `INSERT OR REPLACE`."""

from django.db import migrations

from sefton_safety.append_only import refuse_replace


class Migration(migrations.Migration):
    dependencies = [("messaging", "0005_adult_notices")]

    operations = [refuse_replace("messaging_deliverylogentry", "the delivery log cannot be changed")]
