"""Where the request being served comes from: its address and a fingerprint of its sign-in.

The read log of a case must say who read it, from where and in which sign-in, so that one stolen
session can be traced through every page it opened. The gates that write such records read the
origin here instead of every caller passing the request down through the services.
"""

import hashlib
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    address: str | None = None
    session: str | None = None


NOWHERE = Origin()
_current = ContextVar("sefton_request_origin", default=NOWHERE)


def current_origin():
    """The origin of the request this thread is serving, or NOWHERE (a task, a command)."""
    return _current.get()


def session_fingerprint(session_key):
    """A session key is a credential: the log keeps a digest that ties reads to one sign-in and is
    of no use to anyone who reads the log."""
    if not session_key:
        return None
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


class RequestOriginMiddleware:
    """Records the origin for the length of each request. Sits after the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        origin = Origin(
            address=request.META.get("REMOTE_ADDR") or None,
            session=session_fingerprint(session.session_key if session is not None else None),
        )
        token = _current.set(origin)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
