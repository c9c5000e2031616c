"""Domain errors of the compliance app; `str(error)` is the message a person reads."""

from people.exceptions import PeopleError


class PolicyError(PeopleError):
    rule = "VOL-1"


class SetupClosed(PeopleError):
    rule = "X-3"
