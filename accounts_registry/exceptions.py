"""Domain errors of the social-accounts register; `str(error)` is the message a person reads."""

from people.exceptions import PeopleError


class AccountError(PeopleError):
    rule = "ACC-2"
