"""Log records without query strings.

A query string can carry a child's name (an admin search, `?q=Storey`), a sign-in link's token or
a filter of the concerns queue. Access logs are kept, rotated, copied to hosting dashboards and
read by people who may not open the register itself, so only the path of a request is logged.
"""

import logging
import re

# `GET /admin/people/person/?q=Storey HTTP/1.1`: the request line of an access log entry.
_REQUEST_LINE = re.compile(r"^(?P<method>[A-Z]+ )(?P<path>[^?\s]*)\?\S*(?P<rest>( HTTP/\S+)?)$")


def without_query_string(text):
    """A request line or URL with its query string cut off."""
    line = _REQUEST_LINE.match(text)
    if line is not None:
        return f"{line['method']}{line['path']}{line['rest']}"
    return text.split("?", 1)[0]


class DropQueryStrings(logging.Filter):
    """For the development server's access log (`django.server`) and Django's request warnings:
    every text argument of the record loses its query string before it is formatted."""

    def filter(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(without_query_string(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str) and not record.args:
            record.msg = without_query_string(record.msg) if record.msg.startswith(("GET ", "POST ")) else record.msg
        return True
