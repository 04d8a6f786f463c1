"""Signed-in staff users read from the shared cache instead of the database on every request.

Every page load asks the session's backend for its user. Each cached row is stored with the
user's generation stamp, read before the row was read from the database; every save or delete
of the user (deactivation, role or password change, sign-in stamp) sets a new stamp, right away
and again when the transaction commits. A row read before a change therefore never matches the
stamp after it, whenever it reaches the cache, and is read again. Rows also expire after a minute.
"""

from uuid import uuid4

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

USER_CACHE_SECONDS = 60


def user_cache_key(user_id) -> str:
    """The cache key holding one signed-in user's row (and the stamp it was read under)."""
    return f"accounts:user:{user_id}"


def user_stamp_key(user_id) -> str:
    """The cache key holding the user's current generation stamp."""
    return f"accounts:user-stamp:{user_id}"


class CachedUserBackend(ModelBackend):
    """ModelBackend whose per-request user lookup is served from the cache when it can be."""

    def get_user(self, user_id):
        """The active user with this id, or None."""
        row_key, stamp_key = user_cache_key(user_id), user_stamp_key(user_id)
        found = cache.get_many([row_key, stamp_key])  # one round trip
        stamp = found.get(stamp_key)
        cached = found.get(row_key)
        if cached is not None and cached[0] == stamp:
            user = cached[1]
        else:
            try:
                user = get_user_model()._default_manager.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
            cache.set(row_key, (stamp, user), USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def forget_cached_user(sender, instance, **kwargs) -> None:
    """A user row changed: give the user a new stamp now and again after the commit."""
    key = user_stamp_key(instance.pk)
    cache.set(key, uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(key, uuid4().hex, None))
