"""A change to a user or their site memberships reaches their very next request, whatever made
it: a save, a queryset bulk update or a delete (the user and their sites are read every request)."""

import pytest
from django.urls import reverse

from apps.accounts.models import SiteMembership, User
from apps.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, trial_manager):
    client.force_login(trial_manager)
    assert client.get(reverse("dashboard-criteria")).status_code == 200
    return client


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_deactivated_user_is_signed_out_on_the_next_request(signed_in, trial_manager):
    trial_manager.is_active = False
    trial_manager.save()
    assert _sent_to_sign_in(signed_in.get(reverse("dashboard-criteria")))


def test_a_deactivation_by_bulk_update_signs_out_on_the_next_request(signed_in, trial_manager):
    User.objects.filter(pk=trial_manager.pk).update(is_active=False)
    assert _sent_to_sign_in(signed_in.get(reverse("dashboard-criteria")))
    assert _sent_to_sign_in(signed_in.get(reverse("dashboard")))


def test_a_role_change_by_bulk_update_applies_to_the_next_request(signed_in, trial_manager):
    User.objects.filter(pk=trial_manager.pk).update(role=Role.PWP)
    assert signed_in.get(reverse("dashboard-criteria")).status_code == 403


def test_a_deleted_user_is_signed_out(signed_in, trial_manager):
    User.objects.filter(pk=trial_manager.pk).delete()
    assert _sent_to_sign_in(signed_in.get(reverse("dashboard-criteria")))


def test_a_membership_removed_by_bulk_update_closes_the_site_on_the_next_request(
    client, pwp_a, participant_a, site_b
):
    client.force_login(pwp_a)
    page = reverse("participant-detail", args=[participant_a.public_id])
    assert client.get(page).status_code == 200
    SiteMembership.objects.filter(user=pwp_a).update(site=site_b)  # moved to another site
    assert client.get(page).status_code == 404


def test_a_membership_deleted_in_bulk_closes_the_site_on_the_next_request(
    client, pwp_a, participant_a
):
    client.force_login(pwp_a)
    page = reverse("participant-detail", args=[participant_a.public_id])
    assert client.get(page).status_code == 200
    SiteMembership.objects.filter(user=pwp_a).delete()
    assert client.get(page).status_code == 404
