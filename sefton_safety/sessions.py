"""Sessions kept in the shared cache in front of the database (Django's cached_db), carrying on from
the database while Redis is unreachable instead of answering every signed-in page with an error.
Only reads and writes of the copy are forgiven: ending a session still needs the cache, so a
sign-out during an outage fails visibly rather than leaving a copy to come back with Redis."""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class _ForgivingCache:
    def __init__(self, cache):
        self._cache = cache

    def get(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except RedisError:
            logger.warning("The shared cache is unreachable: the session is read from the database.")
            return default

    def set(self, key, value, timeout=None):
        try:
            self._cache.set(key, value, timeout)
        except RedisError:
            logger.warning("The shared cache is unreachable: the session is kept in the database only.")

    def __contains__(self, key):
        try:
            return key in self._cache
        except RedisError:
            return False

    def delete(self, key):
        return self._cache.delete(key)


class SessionStore(CachedDBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ForgivingCache(self._cache)
