"""Every page keeps a constant number of queries as its rows grow: one way to show it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_constant_queries(load, grow):
    """Loads the page once to warm what is read once per process, counts the queries of a second
    load, calls `grow()` to add rows, and asserts a third load makes exactly as many. Returns the
    small and the grown responses, for the test to check what they show."""
    load()
    with CaptureQueriesContext(connection) as small:
        small_response = load()
    grow()
    with CaptureQueriesContext(connection) as grown:
        grown_response = load()
    if len(grown) != len(small):
        listing = "\n".join(f"{n}. {query['sql']}" for n, query in enumerate(grown.captured_queries, start=1))
        raise AssertionError(f"{len(small)} queries before the rows grew, {len(grown)} after:\n{listing}")
    return small_response, grown_response
