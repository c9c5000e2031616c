"""The read log says from which address and sign-in each read came; the history of a case, which
holds copies of the reporter's words, is append-only like the case; and on SQLite no append-only
row can be replaced by `INSERT OR REPLACE`."""

from django.db import migrations, models

from sefton_safety.append_only import refuse_changes, refuse_replace

TABLES = {
    "incidents_caseentry": "a case chronology entry is never changed or deleted",
    "incidents_evidence": "case evidence is never changed or deleted",
    "incidents_caseread": "the read log of a case cannot be changed",
    "incidents_historicalincident": "the history of a case is never changed or deleted",
}


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_report_fixed")]

    operations = [
        migrations.AddField(
            model_name="caseread",
            name="address",
            field=models.GenericIPAddressField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="caseread",
            name="session",
            field=models.CharField(
                blank=True, help_text="A digest of the sign-in's session.", max_length=32, null=True
            ),
        ),
        refuse_changes("incidents_historicalincident", TABLES["incidents_historicalincident"]),
        *[refuse_replace(table, message) for table, message in TABLES.items()],
    ]
