"""X-17.3, standing guarantee 5: an uploaded register file nobody confirmed goes a day after its
upload; an imported one keeps its row as the record of the import."""

from datetime import timedelta

from spreadsheets import register_import
from spreadsheets.models import RegisterImport
from spreadsheets.retention import register_uploads_purge
from tests.retention import AT
from tests.spreadsheets import files


def test_x17_an_upload_never_confirmed_goes_a_day_after_it_was_made(committee_member):
    data = files.play_cricket_csv(AT.date())
    user = committee_member
    waiting = register_import.register_import_upload(file_name="a.csv", content=data, uploaded_by=user)
    recent = register_import.register_import_upload(file_name="b.csv", content=data, uploaded_by=user)
    imported = register_import.register_import_upload(file_name="c.csv", content=data, uploaded_by=user)
    old = AT - timedelta(days=1, seconds=1)
    RegisterImport.objects.filter(pk__in=[waiting.pk, imported.pk]).update(uploaded_at=old)
    RegisterImport.objects.filter(pk=recent.pk).update(uploaded_at=AT - timedelta(hours=23, minutes=59))
    RegisterImport.objects.filter(pk=imported.pk).update(status=RegisterImport.Status.IMPORTED, content=b"", sheet={})

    assert register_uploads_purge(now=AT) == {"register_upload": 1}
    assert set(RegisterImport.objects.values_list("file_name", flat=True)) == {"b.csv", "c.csv"}
    assert register_uploads_purge(now=AT) == {"register_upload": 0}
