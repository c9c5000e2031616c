"""The one shape of a rule's verdict, shared by every app's rules."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One reason a thing is refused: the requirement it breaks and, in words, why."""

    rule: str
    code: str
    message: str
