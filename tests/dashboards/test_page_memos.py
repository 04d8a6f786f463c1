"""What the dashboard keeps between requests (the page state, the page around the figures) never
outlives a change: thresholds, snapshots, memberships and the clock all reach the next page."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import SiteMembership
from apps.dashboards import selectors
from apps.dashboards.snapshots import build_snapshot, request_snapshot
from tests.dashboards.test_dashboard_pages import LIVE_ALERT_COUNT


@pytest.fixture
def snapshot(small_pilot):
    return build_snapshot()


def _page(client, **params) -> str:
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def _snapshot_time(html: str) -> str:
    return re.search(r'<time datetime="([^"]+)"', html).group(1)


def test_a_new_snapshot_reaches_the_next_page(client, trial_manager, snapshot):
    client.force_login(trial_manager)
    first = _snapshot_time(_page(client))
    newer = build_snapshot()
    assert newer.id != snapshot.id
    assert _snapshot_time(_page(client)) == timezone.localtime(newer.finished_at).isoformat()
    assert _snapshot_time(_page(client)) != first


def test_a_build_started_elsewhere_shows_its_progress_bar(client, trial_manager, snapshot):
    client.force_login(trial_manager)
    assert 'data-building="false"' in _page(client)
    request_snapshot(by=trial_manager)
    assert 'data-building="true"' in _page(client)


def test_a_site_lead_removed_from_a_site_loses_it_at_once(client, site_lead_a, snapshot):
    client.force_login(site_lead_a)
    assert "BRS Bristol" in _page(client, site="BRS")
    SiteMembership.objects.filter(user=site_lead_a).delete()
    assert client.get(reverse("dashboard"), {"site": "BRS"}).status_code == 404


def test_page_state_is_read_again_once_too_old(
    client, trial_manager, snapshot, monkeypatch, django_assert_num_queries
):
    client.force_login(trial_manager)
    _page(client)
    with django_assert_num_queries(LIVE_ALERT_COUNT):
        _page(client)
    monkeypatch.setattr(selectors, "PAGE_STATE_MAX_AGE_SECONDS", 0)
    with django_assert_num_queries(1 + LIVE_ALERT_COUNT):
        _page(client)


def test_each_user_sees_their_own_name_and_a_working_token(trial_manager, data_manager, snapshot):
    manager, data = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    manager.force_login(trial_manager)
    data.force_login(data_manager)
    for client, email in ((manager, "manager@nhs.test"), (data, "data@nhs.test")):
        _page(client)
        html = _page(client)  # the second view is served from the kept page shell
        assert email in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        response = client.post(reverse("dashboard-refresh"), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert "manager@nhs.test" not in _page(data)


def test_a_message_is_shown_once_then_the_kept_page_returns(client, trial_manager, snapshot):
    client.force_login(trial_manager)
    _page(client)
    client.post(reverse("dashboard-refresh"))
    assert "Refreshing the figures" in _page(client)
    assert "Refreshing the figures" not in _page(client)


def test_the_age_of_the_figures_moves_with_the_clock(client, trial_manager, snapshot):
    client.force_login(trial_manager)
    assert "(0\xa0minutes ago)" in _page(client)
    with time_machine.travel(snapshot.finished_at + timezone.timedelta(minutes=7, seconds=5)):
        assert "(7\xa0minutes ago)" in _page(client)


def test_another_user_signing_in_keeps_the_page_state(
    client, trial_manager, data_manager, snapshot, django_assert_num_queries
):
    client.force_login(trial_manager)
    _page(client)
    Client().force_login(data_manager)  # saves data_manager.last_login only
    with django_assert_num_queries(LIVE_ALERT_COUNT):
        _page(client)


def test_a_query_string_cannot_stand_in_for_the_token(client, trial_manager, snapshot):
    from apps.dashboards import views

    client.force_login(trial_manager)
    slot = "quitpilot-csrf-slot"  # the old fixed placeholder, and the real one's prefix
    html = _page(client, x=slot) + _page(client, x=views._CSRF_SLOT[:20])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert token not in html.split('name="next"')[1].split(">")[0]
    assert views._CSRF_SLOT not in html and "quitpilot-csrf-" in html  # the visitor's text stays
