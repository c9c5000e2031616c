"""Domain errors of the incidents app; `str(error)` is the message a person reads."""

from people.exceptions import PeopleError


class IncidentError(PeopleError):
    rule = "INC-3"


class ChronologyError(IncidentError):
    rule = "INC-4"


class EvidenceRefused(IncidentError):
    rule = "INC-9"
