"""Domain errors of the consents app; `str(error)` is the message a person reads."""

from sefton_safety.exceptions import DomainError


class ConsentError(DomainError):
    rule = "CON-4"


class NotAllowedToAnswer(ConsentError):
    """PPL-2/PPL-3: the person answering may not answer for this child."""

    def __init__(self, finding):
        self.finding = finding
        self.rule = finding.rule
        super().__init__(finding.message)


class LinkInvalid(ConsentError):
    """A guardian's decision link that is tampered with, expired or already used."""
