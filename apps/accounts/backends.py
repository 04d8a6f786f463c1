"""Signed-in staff users read from the shared cache instead of the database on every request.

Every page load asks the session's backend for its user. The cached copy is dropped whenever
the user row is saved or deleted (deactivation, role or password change, sign-in stamp), right
away and again once the transaction commits (a request that read the old row before the commit
cannot leave it behind), and every copy lives at most a minute: that bounds the one remaining
race (a reader storing its old row in the instant after the commit) and any change made
without `save()`.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

USER_CACHE_SECONDS = 60


def user_cache_key(user_id) -> str:
    """The cache key holding one signed-in user's row."""
    return f"accounts:user:{user_id}"


class CachedUserBackend(ModelBackend):
    """ModelBackend whose per-request user lookup is served from the cache when it can be."""

    def get_user(self, user_id):
        """The active user with this id, or None."""
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            try:
                user = get_user_model()._default_manager.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
            cache.set(key, user, USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def forget_cached_user(sender, instance, **kwargs) -> None:
    """Drop a saved or deleted user's cached row now and after the transaction commits."""
    key = user_cache_key(instance.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
