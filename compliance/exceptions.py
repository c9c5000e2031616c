"""Domain errors of the compliance app; `str(error)` is the message a person reads."""

from sefton_safety.exceptions import DomainError


class PolicyError(DomainError):
    rule = "VOL-1"


class SetupClosed(DomainError):
    rule = "X-3"
