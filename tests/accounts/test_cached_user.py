"""Signed-in users come from the shared cache; every change to a user reaches the next request."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.accounts.backends import CachedUserBackend, user_cache_key
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
    trial_manager.is_active = False
    cache.set(user_cache_key(trial_manager.pk), trial_manager)
    assert CachedUserBackend().get_user(trial_manager.pk) is None


def test_a_role_change_applies_to_the_next_request(signed_in, trial_manager):
    trial_manager.role = Role.PWP
    trial_manager.save(update_fields=["role"])
    assert signed_in.get(reverse("dashboard-criteria")).status_code == 403


def test_a_deleted_user_is_signed_out(signed_in, trial_manager):
    User.objects.filter(pk=trial_manager.pk).delete()
    response = signed_in.get(reverse("dashboard-criteria"))
    assert response.status_code == 302


def test_an_old_row_stored_before_the_commit_is_dropped_when_it_commits(
    trial_manager, django_capture_on_commit_callbacks
):
    stale = User.objects.get(pk=trial_manager.pk)
    with django_capture_on_commit_callbacks(execute=True):
        trial_manager.role = Role.DATA_MANAGER
        trial_manager.save()
        # another request read the row before this transaction committed, and caches it now
        cache.set(user_cache_key(trial_manager.pk), stale)
    assert cache.get(user_cache_key(trial_manager.pk)) is None
    assert CachedUserBackend().get_user(trial_manager.pk).role == Role.DATA_MANAGER


def test_the_cache_holds_a_user_for_a_minute_at_most(signed_in, trial_manager):
    client = cache._cache.get_client()
    ttl = client.ttl(cache.make_and_validate_key(user_cache_key(trial_manager.pk)))
    assert 0 < ttl <= 60
