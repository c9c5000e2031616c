"""The base of every app's domain errors."""


class DomainError(Exception):
    """Base class: `str(error)` is the message shown on the form or printed by the command, and
    `rule` the requirement it enforces, where there is one."""

    rule = ""
