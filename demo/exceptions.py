"""The demo's own error: the fictional club could not be built as it is described."""

from sefton_safety.exceptions import DomainError


class DemoError(DomainError):
    """The demo's data no longer shows what it is meant to show; nothing of it is kept."""
