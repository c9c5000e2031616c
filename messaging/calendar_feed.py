"""Fetching a team's fixtures calendar from the address a league or club fixtures site publishes.

The address is typed by a person, so it is treated as untrusted: http(s) only (webcal:// is
https://), no address that resolves to this machine or a private network (the portal would
otherwise fetch its own internal services for whoever typed it), one connection to the address
checked, no redirect followed, a time limit and a size limit.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urlsplit

from .exceptions import MessagingError

TIMEOUT_SECONDS = 10
MAX_BYTES = 2 * 1024 * 1024


class CalendarFeedError(MessagingError):
    rule = "MSG-10"


def _public(address):
    return address.is_global and not address.is_multicast


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to one checked address, with the host's own name for the certificate and SNI."""

    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def calendar_fetch(url, *, timeout=TIMEOUT_SECONDS, max_bytes=MAX_BYTES, address_allowed=_public):
    """The calendar's bytes, or CalendarFeedError saying in words what is wrong with the address."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CalendarFeedError("Give the calendar's web address, starting https:// (or webcal://).")
    if parts.username or parts.password:
        raise CalendarFeedError("Give the calendar's address without a user name or password in it.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as error:
        raise CalendarFeedError(f"{parts.hostname} could not be found: check the address.") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not addresses or not all(address_allowed(address) for address in addresses):
        raise CalendarFeedError(f"{parts.hostname} is a private or local address: give the calendar's public address.")
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    options = {"context": ssl.create_default_context()} if parts.scheme == "https" else {}
    connection = connection_class(parts.hostname, str(addresses[0]), port=port, timeout=timeout, **options)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + timeout
    try:
        connection.request("GET", path, headers={"Accept": "text/calendar", "User-Agent": "Sefton Safety"})
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise CalendarFeedError(
                f"The address sends elsewhere ({response.getheader('Location', 'no address given')}): "
                "give that address instead."
            )
        if response.status != 200:
            raise CalendarFeedError(f"The calendar site answered {response.status} {response.reason}.")
        chunks, size = [], 0
        while chunk := response.read(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise CalendarFeedError(f"The calendar is larger than {max_bytes // (1024 * 1024)} MB: too large.")
            if time.monotonic() > deadline:
                raise CalendarFeedError(f"The calendar site took longer than {timeout} seconds to answer.")
            chunks.append(chunk)
        return b"".join(chunks)
    except TimeoutError as error:
        raise CalendarFeedError(f"The calendar site took longer than {timeout} seconds to answer.") from error
    except (OSError, http.client.HTTPException) as error:
        raise CalendarFeedError(f"The calendar could not be fetched: {error}.") from error
    finally:
        connection.close()
