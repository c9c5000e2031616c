"""Domain errors of the compliance app; `str(error)` is the message a person reads."""

from sefton_safety.exceptions import DomainError


class PolicyError(DomainError):
    rule = "VOL-1"


class RecordsError(DomainError):
    """A training record, DBS check or club phone the register cannot take as given."""

    rule = "VOL-3"


class PhoneError(DomainError):
    rule = "VOL-4"


class SetupClosed(DomainError):
    rule = "X-3"
