"""Domain errors of the social-accounts register; `str(error)` is the message a person reads."""

from sefton_safety.exceptions import DomainError


class AccountError(DomainError):
    rule = "ACC-2"
