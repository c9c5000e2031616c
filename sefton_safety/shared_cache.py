"""Reads and writes of the shared cache that a Redis outage cannot turn into an error page: what is
kept there (the club's settings, each account's signed-in state) is a copy of rows in the database,
so while the cache is away the portal reads the rows, slower, and says so in the log. Django's
cached_db sessions behave the same way."""

import logging

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

MISSING = object()


def cache_get(key):
    """The cached value, or MISSING when there is none or the cache cannot be reached."""
    try:
        return cache.get(key, MISSING)
    except RedisError:
        logger.warning("The shared cache is unreachable: reading %s from the database.", key.split(":")[0])
        return MISSING


def cache_set(key, value, timeout):
    try:
        cache.set(key, value, timeout)
    except RedisError:
        logger.warning("The shared cache is unreachable: %s is not kept.", key.split(":")[0])


def cache_delete(key):
    """Forgets a copy. While the cache is unreachable nothing can be forgotten, and the log says so:
    an entry a restarted Redis still holds lives at most its lifetime."""
    try:
        cache.delete(key)
    except RedisError:
        logger.error("The shared cache is unreachable: %s could not be forgotten.", key)
