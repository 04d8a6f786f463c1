"""Marking trial participation complete: only after the 6-month follow-up, only by clinicians."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.outcomes.follow_up_assessment import record_follow_up_assessment
from apps.patients.models import Participant
from apps.reminders.models import FollowUp
from tests.factories import make_participant
from tests.patients.test_access_views import audit_snapshot

TODAY = timezone.localdate
BUTTON = "Mark trial participation complete"


def _randomised_days_ago(site, pwp, days: int) -> Participant:
    return make_participant(
        site=site, pwp=pwp, stage="randomised", screened_on=TODAY() - dt.timedelta(days=days)
    )


@pytest.fixture
def past_month6(site_a, pwp_a):
    """Randomised 8 months ago: the 6-month window closed with nothing recorded."""
    return _randomised_days_ago(site_a, pwp_a, 245)


def _url(participant) -> str:
    return reverse("participant-complete", args=[participant.public_id])


def _detail(participant) -> str:
    return reverse("participant-detail", args=[participant.public_id])


ROLES = ["anonymous", "pwp_same_site", "pwp_other_site", "advisor", "site_lead", "trial_manager"]
EXPECTED = {
    "anonymous": (302, 302),
    "pwp_same_site": (200, 302),
    "pwp_other_site": (404, 404),
    "advisor": (403, 403),
    "site_lead": (200, 302),
    "trial_manager": (403, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_completion_access(client, cast, past_month6, role):
    if cast[role] is not None:
        client.force_login(cast[role])
    expected_get, expected_post = EXPECTED[role]
    before = audit_snapshot()
    response = client.get(_url(past_month6))
    assert response.status_code == expected_get
    if expected_get == 200:
        assert "cannot be undone" in response.content.decode()  # the confirmation step
    assert audit_snapshot() == before
    response = client.post(_url(past_month6))
    assert response.status_code == expected_post
    past_month6.refresh_from_db()
    if expected_post == 302 and role != "anonymous":
        assert response["Location"] == _detail(past_month6)
        assert past_month6.status == "completed"
    else:
        assert past_month6.status == "randomised"
        assert audit_snapshot() == before
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))


def test_cannot_complete_before_the_six_month_follow_up_is_over(client, pwp_a, participant_a):
    client.force_login(pwp_a)
    assert BUTTON not in client.get(_detail(participant_a)).content.decode()
    before = audit_snapshot()
    for response in (client.get(_url(participant_a)), client.post(_url(participant_a))):
        assert response.status_code == 302
        assert response["Location"] == _detail(participant_a)
        texts = [m.message for m in get_messages(response.wsgi_request)]
        assert any("6-month follow-up is not done yet" in text for text in texts)
    participant_a.refresh_from_db()
    assert participant_a.status == "randomised"
    assert audit_snapshot() == before


def test_can_complete_once_the_six_month_follow_up_is_recorded(client, pwp_a, site_a):
    participant = _randomised_days_ago(site_a, pwp_a, 183)  # 6-month window open today
    month6 = FollowUp.objects.get(participant=participant, timepoint="month6")
    assert month6.opens_on <= TODAY() <= month6.closes_on
    client.force_login(pwp_a)
    assert BUTTON not in client.get(_detail(participant)).content.decode()
    record_follow_up_assessment(
        follow_up=month6,
        recorded_by=pwp_a,
        completed_on=TODAY(),
        source="phone",
        smoked_last_7_days=False,
        stopped_on=TODAY(),
        quit_attempt_since_last_contact=False,
        uses_e_cigarette=False,
        uses_stop_smoking_medication=False,
    )
    assert BUTTON in client.get(_detail(participant)).content.decode()
    client.post(_url(participant))
    participant.refresh_from_db()
    assert participant.status == "completed"


def test_a_lost_participant_can_complete_after_the_window_closed(client, pwp_a, past_month6):
    from apps.patients.services import mark_lost_to_follow_up

    mark_lost_to_follow_up(participant=past_month6, on=TODAY(), reason="uncontactable")
    client.force_login(pwp_a)
    assert BUTTON in client.get(_detail(past_month6)).content.decode()
    client.post(_url(past_month6))
    past_month6.refresh_from_db()
    assert past_month6.status == "completed"


def test_completed_participant_is_not_offered_it_again(client, pwp_a, past_month6):
    client.force_login(pwp_a)
    client.post(_url(past_month6))
    before = audit_snapshot()
    assert BUTTON not in client.get(_detail(past_month6)).content.decode()
    response = client.post(_url(past_month6))
    assert response.status_code == 302
    texts = [m.message for m in get_messages(response.wsgi_request)]
    assert any("already completed" in text for text in texts)
    assert audit_snapshot() == before


def test_read_only_roles_see_no_completion_button(client, advisor_a, past_month6):
    client.force_login(advisor_a)
    html = client.get(_detail(past_month6)).content.decode()
    assert past_month6.trial_id in html
    assert BUTTON not in html


NEXT = "Follow-ups over: mark participation complete"


def _next_step(html: str) -> str:
    return html.split("<strong>Next:</strong>", 1)[1].split("</div>", 1)[0]


def test_once_the_six_month_follow_up_is_over_completing_is_the_next_action(
    client, pwp_a, site_a, past_month6
):
    # An intervention participant seen three times eight months ago is not due "Session 4".
    client.force_login(pwp_a)
    link = f'<a href="{_url(past_month6)}">{NEXT}</a>'
    assert link in _next_step(client.get(_detail(past_month6)).content.decode())
    caseload = client.get(reverse("caseload")).content.decode()
    row = caseload.split(f">{past_month6.trial_id}</a></th>", 1)[1].split("</tr>", 1)[0]
    assert f'href="{_url(past_month6)}">{NEXT}' in row, row
    assert "Session" not in row


def test_read_only_roles_see_the_next_action_without_a_link(client, advisor_a, past_month6):
    client.force_login(advisor_a)
    step = _next_step(client.get(_detail(past_month6)).content.decode())
    assert NEXT in step and "<a " not in step
