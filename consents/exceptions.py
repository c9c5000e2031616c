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


class RoundAlreadySent(ConsentError):
    """CON-6: a round for this season and team already went; sending again needs a confirmation."""

    def __init__(self, *, first_sent_at, guardians, season, scope):
        self.first_sent_at = first_sent_at
        self.guardians = guardians
        self.season = season
        self.scope = scope
        super().__init__(
            f"The {season} round for {scope} already went on {first_sent_at:%-d %B %Y at %H:%M} to "
            f"{guardians} guardian{'s' if guardians != 1 else ''}. Confirm to send it again: only guardians "
            "who have not had it are emailed."
        )
