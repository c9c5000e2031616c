"""Domain errors of the messaging app; `str(error)` is the message a person reads."""

from sefton_safety.exceptions import DomainError
from sefton_safety.mail import TemporarySendFailure


class MessagingError(DomainError):
    rule = "MSG-1"


class MessageRefused(MessagingError):
    """The message breaks the policy: `findings` say which rules and why."""

    def __init__(self, findings):
        self.findings = findings
        self.rule = findings[0].rule if findings else "MSG-4"
        super().__init__(" ".join(f.message for f in findings))


class TemporaryDeliveryFailure(MessagingError, TemporarySendFailure):
    """The provider or mail server failed in a way worth retrying."""
