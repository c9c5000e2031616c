"""Domain errors of the register's spreadsheets, each with a message a person can act on."""


class SpreadsheetError(Exception):
    """Base class: `str(error)` is the message shown on the page."""


class ImportOutdated(SpreadsheetError):
    """The import cannot go ahead as previewed: already imported, refused rows, or a changed register."""
