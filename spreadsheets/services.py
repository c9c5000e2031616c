"""Every write of the register's spreadsheets outside the import itself: the export log."""

from sefton_safety.request_context import current_origin

from .models import ExportLogEntry


def export_record(*, what, detail, user, allowed, reason):
    """The one writer of the export log: who asked for what, from which address and sign-in, and
    whether it was given. Written before anything leaves."""
    origin = current_origin()
    return ExportLogEntry.objects.create(
        what=what,
        detail=detail[:120],
        user=user,
        allowed=allowed,
        reason=reason[:120],
        address=origin.address,
        session=origin.session,
    )
