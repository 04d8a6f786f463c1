"""Signed-in users come from the shared cache; every change to a user reaches the next request."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from apps.accounts.backends import CachedUserBackend, user_cache_key, user_stamp_key
from apps.accounts.models import User
from apps.core.roles import Role


@pytest.fixture
def signed_in(client, trial_manager):
    client.force_login(trial_manager)
    assert client.get(reverse("dashboard-criteria")).status_code == 200
    return client


def test_a_cached_user_costs_no_query(trial_manager, django_assert_num_queries):
    backend = CachedUserBackend()
    with django_assert_num_queries(1):
        assert backend.get_user(trial_manager.pk) == trial_manager
    with django_assert_num_queries(0):
        assert backend.get_user(trial_manager.pk).email == "manager@nhs.test"


def test_an_unknown_user_is_none(db):
    assert CachedUserBackend().get_user(987654321) is None


def test_a_deactivated_user_is_signed_out_on_the_next_request(signed_in, trial_manager):
    trial_manager.is_active = False
    trial_manager.save()
    response = signed_in.get(reverse("dashboard-criteria"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_cached_inactive_row_is_still_refused(trial_manager):
    CachedUserBackend().get_user(trial_manager.pk)  # caches the row under the current stamp
    stamp, row = cache.get(user_cache_key(trial_manager.pk))
    row.is_active = False
    cache.set(user_cache_key(trial_manager.pk), (stamp, row))
    assert CachedUserBackend().get_user(trial_manager.pk) is None


def test_a_role_change_applies_to_the_next_request(signed_in, trial_manager):
    trial_manager.role = Role.PWP
    trial_manager.save(update_fields=["role"])
    assert signed_in.get(reverse("dashboard-criteria")).status_code == 403


def test_a_deleted_user_is_signed_out(signed_in, trial_manager):
    User.objects.filter(pk=trial_manager.pk).delete()
    response = signed_in.get(reverse("dashboard-criteria"))
    assert response.status_code == 302


def _change_while_a_reader_caches_the_old_row(change, user, capture, *, after_commit: bool):
    """A request reads the user row (and its stamp) before `change` commits, and stores it in
    the cache either before the commit or after it (after the commit's own callbacks ran)."""
    stamp = cache.get(user_stamp_key(user.pk))
    stale = User.objects.get(pk=user.pk)
    with capture() as committed, transaction.atomic():
        change()
        if not after_commit:
            cache.set(user_cache_key(user.pk), (stamp, stale))
    for callback in committed:  # the commit
        callback()
    if after_commit:
        cache.set(user_cache_key(user.pk), (stamp, stale))


@pytest.mark.parametrize("after_commit", [False, True])
def test_a_row_read_before_a_change_is_never_served_after_it(
    trial_manager, django_capture_on_commit_callbacks, after_commit
):
    def demote():
        trial_manager.role = Role.DATA_MANAGER
        trial_manager.save()

    _change_while_a_reader_caches_the_old_row(
        demote, trial_manager, django_capture_on_commit_callbacks, after_commit=after_commit
    )
    assert CachedUserBackend().get_user(trial_manager.pk).role == Role.DATA_MANAGER


def test_a_deactivation_is_not_undone_by_a_slow_reader(
    trial_manager, django_capture_on_commit_callbacks
):
    def deactivate():
        trial_manager.is_active = False
        trial_manager.save()

    _change_while_a_reader_caches_the_old_row(
        deactivate, trial_manager, django_capture_on_commit_callbacks, after_commit=True
    )
    assert CachedUserBackend().get_user(trial_manager.pk) is None


def test_the_cache_holds_a_user_for_a_minute_at_most(signed_in, trial_manager):
    client = cache._cache.get_client()
    ttl = client.ttl(cache.make_and_validate_key(user_cache_key(trial_manager.pk)))
    assert 0 < ttl <= 60
