"""Adding the referral answer's link and constraints rebuilt the chronology's table on SQLite, which
drops its triggers: they are put back, so a chronology entry is never changed there either."""

from django.db import migrations

from sefton_safety.append_only import sqlite_guard_again


class Migration(migrations.Migration):
    dependencies = [("incidents", "0007_merge_desk_and_retention")]

    operations = sqlite_guard_again("incidents_caseentry", "a case chronology entry is never changed or deleted")
