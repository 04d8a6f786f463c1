"""Idle timeout (30 minutes) and absolute cap (12 hours), with the reason shown at sign-in."""

import datetime as dt

import time_machine
from django.urls import reverse

from apps.accounts.middleware import timeout_reason
from tests.factories import PASSWORD

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def _signed_in(client, user):
    response = client.post(
        reverse("login"), {"username": user.email, "password": PASSWORD}, follow=False
    )
    assert response.status_code == 302


def test_active_user_stays_signed_in_within_30_minutes(client, pwp_a):
    with time_machine.travel(START, tick=False) as clock:
        _signed_in(client, pwp_a)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("caseload")).status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("caseload")).status_code == 200


def test_idle_for_more_than_30_minutes_signs_out_and_says_why(client, pwp_a):
    with time_machine.travel(START, tick=False) as clock:
        _signed_in(client, pwp_a)
        assert client.get(reverse("caseload")).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("caseload"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert "next=/caseload/" in response.url
        page = client.get(response.url)
        assert "signed out after 30 minutes without activity" in page.content.decode()
        assert "_auth_user_id" not in client.session
        # The reason is shown once.
        assert "You were signed out" not in client.get(reverse("login")).content.decode()


def test_twelve_hours_after_sign_in_the_session_ends_however_active(client, pwp_a):
    with time_machine.travel(START, tick=False) as clock:
        _signed_in(client, pwp_a)
        for _ in range(36):  # every 20 minutes for 12 hours
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("caseload")).status_code == 200
        clock.shift(dt.timedelta(minutes=1))
        response = client.get(reverse("caseload"), follow=True)
        assert "signed in for 12 hours" in response.content.decode()
        assert response.redirect_chain[0][0].startswith(reverse("login"))


def test_timed_out_post_changes_nothing(client, pwp_a, participant_a):
    from apps.patients.models import Participant

    with time_machine.travel(START, tick=False) as clock:
        _signed_in(client, pwp_a)
        clock.shift(dt.timedelta(hours=1))
        response = client.post(
            reverse("participant-withdraw", args=[participant_a.public_id]),
            {"exit_on": "2026-03-02", "reason": "participant_choice"},
        )
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Participant.objects.get(pk=participant_a.pk).status == "randomised"


def test_timeout_reason_rules():
    kwargs = {"idle": 1800, "absolute": 43200}
    assert timeout_reason(started=0, last_seen=0, now=1800, **kwargs) == ""
    assert "30 minutes" in timeout_reason(started=0, last_seen=0, now=1801, **kwargs)
    assert "12 hours" in timeout_reason(started=0, last_seen=43000, now=43201, **kwargs)
    assert "45 minutes" in timeout_reason(started=0, last_seen=0, now=5000, idle=2700, absolute=1e6)


def test_idle_session_no_longer_authenticates_the_api(client, pwp_a, participant_a):
    url = f"/api/v1/participants/{participant_a.trial_id}/"
    with time_machine.travel(START, tick=False) as clock:
        _signed_in(client, pwp_a)
        assert client.get(url).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(url)
    assert response.status_code in (401, 403)
    assert "_auth_user_id" not in client.session
