"""Retention of uploaded register files: a file nobody confirmed is the club's members' details
held for no purpose, so it goes a day after its upload."""

from datetime import timedelta

from .models import RegisterImport

UNCONFIRMED_UPLOAD_KEPT = timedelta(days=1)


def register_uploads_purge(*, now):
    """Deletes each upload still waiting for confirmation a day after it was made. An imported
    file's row stays (its bytes were dropped when it was imported) as the record of the import."""
    expired = RegisterImport.objects.filter(
        status=RegisterImport.Status.PREVIEW, uploaded_at__lt=now - UNCONFIRMED_UPLOAD_KEPT
    )
    return {"register_upload": expired.delete()[1].get(RegisterImport._meta.label, 0)}
