"""The dashboard page is always what a fresh read would show: a new snapshot, a build, a changed
membership, the clock, and the browser's conditional requests (ETag) all reach the next page."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import SiteMembership
from apps.dashboards.snapshots import build_snapshot, request_snapshot
from tests.dashboards.test_dashboard_pages import PAGE_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(small_pilot):
    return build_snapshot()


def _page(client, **params) -> str:
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def _snapshot_time(html: str) -> str:
    return re.search(r'<time datetime="([^"]+)"', html).group(1)


def _etag(client, **params) -> str:
    """The page's ETag once the browser holds the CSRF cookie the first page set (the page's
    token is made from it, so the ETag names it)."""
    client.get(reverse("dashboard"), params)
    return client.get(reverse("dashboard"), params)["ETag"]


def _revalidate(client, etag: str, **params):
    return client.get(reverse("dashboard"), params, headers={"if-none-match": etag})


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


def test_a_membership_moved_by_a_bulk_update_moves_the_figures_at_once(
    client, site_lead_a, site_b, snapshot
):
    client.force_login(site_lead_a)
    assert _page(client, site="BRS")
    SiteMembership.objects.filter(user=site_lead_a).update(site=site_b)
    assert client.get(reverse("dashboard"), {"site": "BRS"}).status_code == 404
    page = client.get(reverse("dashboard"))
    assert page.context["state"].report().headline["randomised"] == 1  # site B's one


def test_each_user_sees_their_own_name_and_a_working_token(trial_manager, data_manager, snapshot):
    manager, data = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    manager.force_login(trial_manager)
    data.force_login(data_manager)
    for client, email in ((manager, "manager@nhs.test"), (data, "data@nhs.test")):
        _page(client)
        html = _page(client)  # the second view's figures come from the cache
        assert email in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        response = client.post(reverse("dashboard-refresh"), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert "manager@nhs.test" not in _page(data)


def test_a_message_is_shown_once_then_the_page_returns(client, trial_manager, snapshot):
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


# --- Conditional requests ------------------------------------------------------------------


def test_an_unchanged_page_answers_304_without_rendering(
    client, trial_manager, snapshot, django_assert_num_queries
):
    client.force_login(trial_manager)
    first = client.get(reverse("dashboard"))
    assert first["ETag"] != _etag(client)  # the first page set the CSRF cookie
    first = client.get(reverse("dashboard"))
    etag = first["ETag"]
    assert etag and "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    with django_assert_num_queries(PAGE_QUERIES):  # the reads the ETag is made from
        again = _revalidate(client, etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag


def test_the_etag_changes_with_the_live_open_alert_count(
    client, trial_manager, snapshot, small_pilot, pwp_a
):
    from apps.outcomes.services import acknowledge_alert, record_phq9

    client.force_login(trial_manager)
    etag = _etag(client)
    a1 = small_pilot.people["A1"]
    record_phq9(participant=a1, items=[0] * 8 + [2], completed_on=dt.date(2025, 8, 11))
    changed = _revalidate(client, etag)
    assert changed.status_code == 200 and 'id="open-alerts-now">1<' in changed.content.decode()
    acknowledge_alert(alert=a1.safety_alerts.get(), by=pwp_a, action_taken="Called; safe.")
    back = _revalidate(client, changed["ETag"])
    assert back.status_code == 200 and 'id="open-alerts-now">0<' in back.content.decode()
    assert _revalidate(client, back["ETag"]).status_code == 304


def test_the_etag_changes_with_the_users_scope(client, site_lead_a, site_b, snapshot):
    client.force_login(site_lead_a)
    etag = _etag(client)
    assert _revalidate(client, etag).status_code == 304
    SiteMembership.objects.create(user=site_lead_a, site=site_b)
    assert _revalidate(client, etag).status_code == 200


def test_another_user_never_gets_a_304_for_someone_elses_page(
    client, trial_manager, data_manager, snapshot
):
    client.force_login(trial_manager)
    etag = _etag(client)
    other = Client()
    other.force_login(data_manager)
    assert _revalidate(other, etag).status_code == 200


def test_the_etag_changes_with_filters_snapshots_builds_thresholds_and_the_clock(
    client, trial_manager, snapshot
):
    from apps.dashboards.models import ProgressionCriterion

    client.force_login(trial_manager)
    etag = _etag(client)
    assert _revalidate(client, etag, site="BRS").status_code == 200
    with time_machine.travel(snapshot.finished_at + dt.timedelta(minutes=2)):
        assert _revalidate(client, etag).status_code == 200
    request_snapshot(by=trial_manager)  # the progress bar shows
    building = client.get(reverse("dashboard"))["ETag"]
    assert building != etag
    ProgressionCriterion.objects.filter(key="retention_3m").update(green_from=99)
    assert _revalidate(client, building).status_code == 200


def test_a_page_with_a_message_to_show_is_never_answered_304(client, trial_manager, snapshot):
    client.force_login(trial_manager)
    etag = _etag(client)
    client.post(reverse("dashboard-refresh"))  # queues "Refreshing the figures"
    response = _revalidate(client, etag)
    assert response.status_code == 200 and "Refreshing the figures" in response.content.decode()
    assert not response.has_header("ETag")
    assert "Refreshing the figures" not in _page(client)  # shown once
