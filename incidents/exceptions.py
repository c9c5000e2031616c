"""Domain errors of the incidents app; `str(error)` is the message a person reads."""

from sefton_safety.exceptions import DomainError


class IncidentError(DomainError):
    rule = "INC-3"


class ChronologyError(IncidentError):
    rule = "INC-4"


class EvidenceRefused(IncidentError):
    rule = "INC-9"
