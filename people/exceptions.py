"""Domain errors of the people app, each with a message a person can act on."""


class PeopleError(Exception):
    """Base class: `str(error)` is the message shown on the form or printed by the command."""

    rule = ""


class RoleError(PeopleError):
    rule = "PPL-1"


class FamilyError(PeopleError):
    rule = "PPL-3"


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
