"""Domain errors of the people app, each with a message a person can act on."""

from sefton_safety.exceptions import DomainError


class PeopleError(DomainError):
    """Base class of the register's and sign-in's errors."""


class RoleError(PeopleError):
    rule = "PPL-1"


class FamilyError(PeopleError):
    rule = "PPL-3"


class TeamError(PeopleError):
    rule = "PPL-1"


class ContactDetailsRefused(PeopleError):
    rule = "PPL-4"

    def __init__(self, findings):
        self.findings = findings
        super().__init__(" ".join(f.message for f in findings))


class SignInLinkInvalid(PeopleError):
    """The link is tampered with, expired or already used."""


class SignInLinkNotForStaff(PeopleError):
    """Staff sign in with a password and a second factor, never from an emailed link."""


class LegalHoldError(PeopleError):
    rule = "Retention"
