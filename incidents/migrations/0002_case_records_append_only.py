from django.db import migrations

from sefton_safety.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [
        refuse_changes("incidents_caseentry", "a case chronology entry is never changed or deleted"),
        refuse_changes("incidents_evidence", "case evidence is never changed or deleted"),
        refuse_changes("incidents_caseread", "the read log of a case cannot be changed"),
    ]
