"""Recording a follow-up assessment: the service's rules and the staff page that calls it."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import DomainError
from apps.journey.services import set_quit_date, withdraw_participant
from apps.outcomes.follow_up_assessment import record_follow_up_assessment
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)
from apps.reminders.models import FollowUp, Reminder, ReminderStatus
from tests.factories import make_participant
from tests.patients.test_access_views import audit_snapshot

TODAY = timezone.localdate


def _with_week4_open(site, pwp, days_since_quit: int = 30):
    """A randomised participant whose quit date was `days_since_quit` days ago."""
    quit_date = TODAY() - dt.timedelta(days=days_since_quit)
    participant = make_participant(
        site=site, pwp=pwp, stage="randomised", screened_on=quit_date - dt.timedelta(days=5)
    )
    participant = set_quit_date(participant=participant, quit_date=quit_date)
    return participant, FollowUp.objects.get(participant=participant, timepoint="week4")


@pytest.fixture
def week4(site_a, pwp_a):
    return _with_week4_open(site_a, pwp_a)


def _smoke_free(**overrides) -> dict:
    values = {
        "completed_on": TODAY(),
        "source": "in_session",
        "smoke_free_since_day_14": True,
        "smoked_last_7_days": False,
        "quit_attempt_since_last_contact": True,
        "uses_e_cigarette": False,
        "uses_stop_smoking_medication": True,
    }
    return values | overrides


def _stored() -> tuple[int, int, int, int]:
    return (
        SmokingStatusReport.objects.count(),
        COReading.objects.count(),
        PHQ9Response.objects.count(),
        GAD7Response.objects.count(),
    )


# --- the service -------------------------------------------------------------------------------


def test_assessment_stores_every_measure_at_the_follow_ups_timepoint_and_completes_it(week4, pwp_a):
    participant, follow_up = week4
    assert Reminder.objects.filter(follow_up=follow_up, status=ReminderStatus.PENDING).exists()
    result = record_follow_up_assessment(
        follow_up=follow_up,
        recorded_by=pwp_a,
        **_smoke_free(co_ppm=4, phq9_items=[1, 1, 1, 1, 1, 1, 1, 1, 0]),
        gad7_items=[1, 1, 1, 1, 0, 0, 0],
    )
    follow_up.refresh_from_db()
    assert follow_up.status == "completed"
    assert follow_up.completed_at is not None
    assert not Reminder.objects.filter(follow_up=follow_up, status=ReminderStatus.PENDING).exists()
    for row in (result.smoking, result.phq9, result.gad7, result.co_reading):
        assert (row.timepoint, row.follow_up_id, row.source) == (
            "week4",
            follow_up.pk,
            "in_session",
        )
    assert result.smoking.smoke_free_since_day_14 is True
    assert result.smoking.cigarettes_since_day_14 == 0
    assert result.smoking.recorded_by == pwp_a
    assert result.co_reading.ppm == 4
    assert result.co_reading.taken_by == pwp_a
    assert (result.phq9.total, result.gad7.total) == (8, 4)
    assert result.phq9.recorded_by == pwp_a


def test_phone_assessment_needs_no_co_and_no_questionnaires(week4, pwp_a):
    _, follow_up = week4
    result = record_follow_up_assessment(
        follow_up=follow_up,
        recorded_by=pwp_a,
        **_smoke_free(
            source="phone",
            smoke_free_since_day_14=False,
            cigarettes_since_day_14=40,
            smoked_last_7_days=True,
            cigarettes_last_7_days=35,
        ),
    )
    assert (result.co_reading, result.phq9, result.gad7) == (None, None, None)
    assert result.smoking.source == "phone"
    assert (result.smoking.cigarettes_since_day_14, result.smoking.cigarettes_last_7_days) == (
        40,
        35,
    )


def _refused(follow_up, user, field: str, **values) -> DomainError:
    before = _stored()
    with pytest.raises(DomainError) as caught:
        record_follow_up_assessment(follow_up=follow_up, recorded_by=user, **_smoke_free(**values))
    assert caught.value.field == field, caught.value.message
    assert _stored() == before
    return caught.value


def test_a_recorded_follow_up_cannot_be_recorded_again(week4, pwp_a):
    _, follow_up = week4
    record_follow_up_assessment(follow_up=follow_up, recorded_by=pwp_a, **_smoke_free())
    error = _refused(follow_up, pwp_a, "follow_up")
    assert "already been recorded" in error.message
    assert SmokingStatusReport.objects.count() == 1


def test_a_cancelled_follow_up_cannot_be_recorded(site_a, pwp_a):
    participant, follow_up = _with_week4_open(site_a, pwp_a)
    withdraw_participant(participant=participant, on=TODAY(), reason="participant_choice")
    follow_up.refresh_from_db()
    assert follow_up.status == "cancelled"
    assert "cancelled" in _refused(follow_up, pwp_a, "follow_up").message


def test_the_date_must_not_be_in_the_future(week4, pwp_a):
    _, follow_up = week4
    tomorrow = TODAY() + dt.timedelta(days=1)
    assert "future" in _refused(follow_up, pwp_a, "completed_on", completed_on=tomorrow).message


def test_the_date_must_be_inside_the_window(week4, pwp_a):
    _, follow_up = week4
    before_window = follow_up.opens_on - dt.timedelta(days=1)
    error = _refused(follow_up, pwp_a, "completed_on", completed_on=before_window)
    assert f"{follow_up.opens_on:%-d %b %Y}" in error.message
    # A day after the window, recorded later still: refused too.
    after_window = follow_up.closes_on + dt.timedelta(days=1)
    with pytest.raises(DomainError) as caught:
        record_follow_up_assessment(
            follow_up=follow_up,
            recorded_by=pwp_a,
            today=after_window + dt.timedelta(days=2),
            **_smoke_free(completed_on=after_window),
        )
    assert caught.value.field == "completed_on"
    assert SmokingStatusReport.objects.count() == 0


def test_a_co_reading_needs_the_participant_in_person(week4, pwp_a):
    _, follow_up = week4
    _refused(follow_up, pwp_a, "co_ppm", source="phone", co_ppm=4)


def test_the_source_is_phone_or_in_person(week4, pwp_a):
    _, follow_up = week4
    _refused(follow_up, pwp_a, "source", source="online")


def test_smoking_answers_must_agree_and_be_complete(week4, pwp_a):
    _, follow_up = week4
    _refused(follow_up, pwp_a, "smoke_free_since_day_14", smoke_free_since_day_14=None)
    _refused(
        follow_up,
        pwp_a,
        "cigarettes_since_day_14",
        smoke_free_since_day_14=False,
        cigarettes_since_day_14=None,
    )
    _refused(
        follow_up, pwp_a, "smoked_last_7_days", smoked_last_7_days=True, cigarettes_last_7_days=3
    )
    _refused(
        follow_up,
        pwp_a,
        "cigarettes_last_7_days",
        smoke_free_since_day_14=False,
        cigarettes_since_day_14=5,
        smoked_last_7_days=True,
        cigarettes_last_7_days=0,
    )
    _refused(follow_up, pwp_a, "cigarettes_last_7_days", cigarettes_last_7_days=2)
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_a_bad_measure_stores_none_of_the_others(week4, pwp_a):
    _, follow_up = week4
    _refused(follow_up, pwp_a, "co_ppm", co_ppm=101, phq9_items=[0] * 9, gad7_items=[0] * 7)
    _refused(follow_up, pwp_a, "phq9_items", phq9_items=[0] * 8)
    follow_up.refresh_from_db()
    assert follow_up.status == "open"
    assert Reminder.objects.filter(follow_up=follow_up, status=ReminderStatus.PENDING).exists()


def test_positive_item_9_at_a_follow_up_raises_a_safety_alert(week4, pwp_a):
    _, follow_up = week4
    result = record_follow_up_assessment(
        follow_up=follow_up, recorded_by=pwp_a, **_smoke_free(phq9_items=[0] * 8 + [2])
    )
    assert SafetyAlert.objects.get().phq9 == result.phq9


# --- the page ----------------------------------------------------------------------------------


def _url(participant, follow_up) -> str:
    return reverse("follow-up-record", args=[participant.public_id, follow_up.public_id])


def _post(**overrides) -> dict:
    data = {
        "completed_on": TODAY().isoformat(),
        "source": "in_session",
        "smoked_since_day_14": "no",
        "smoked_last_7_days": "no",
        "quit_attempt_since_last_contact": "yes",
        "uses_e_cigarette": "no",
        "uses_stop_smoking_medication": "yes",
        "co_ppm": "4",
    }
    return data | overrides


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
def test_follow_up_page_access(client, cast, week4, role):
    participant, follow_up = week4
    if cast[role] is not None:
        client.force_login(cast[role])
    expected_get, expected_post = EXPECTED[role]
    before = audit_snapshot()
    response = client.get(_url(participant, follow_up))
    assert response.status_code == expected_get
    assert audit_snapshot() == before
    response = client.post(_url(participant, follow_up), _post())
    assert response.status_code == expected_post
    follow_up.refresh_from_db()
    if expected_post == 302 and role != "anonymous":
        assert response["Location"] == reverse("participant-detail", args=[participant.public_id])
        assert follow_up.status == "completed"
        assert SmokingStatusReport.objects.get().recorded_by == cast[role]
    else:
        assert audit_snapshot() == before
        assert follow_up.status == "open"
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))


def test_follow_up_of_another_participant_is_not_found(client, pwp_a, week4, site_a):
    participant, _ = week4
    _, other_follow_up = _with_week4_open(site_a, pwp_a)
    client.force_login(pwp_a)
    assert client.get(_url(participant, other_follow_up)).status_code == 404


def test_double_submission_stores_one_assessment(client, pwp_a, week4):
    participant, follow_up = week4
    client.force_login(pwp_a)
    first = client.post(_url(participant, follow_up), _post())
    second = client.post(_url(participant, follow_up), _post())
    assert first.status_code == second.status_code == 302
    assert SmokingStatusReport.objects.count() == 1
    assert COReading.objects.count() == 1
    texts = [m.message for m in get_messages(second.wsgi_request)]
    assert any("already been recorded" in text for text in texts)


def test_form_errors_name_the_field_and_store_nothing(client, pwp_a, week4):
    participant, follow_up = week4
    client.force_login(pwp_a)
    before = audit_snapshot()
    response = client.post(
        _url(participant, follow_up),
        _post(source="phone", phq9_1="2", **{"smoked_last_7_days": ""}),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["smoked_last_7_days"] == [
        "Answer whether the participant smoked in the last 7 days."
    ]
    assert "every item is needed" in form.errors["phq9_2"][0]
    assert audit_snapshot() == before
    # A rule the service checks lands next to its field too.
    response = client.post(_url(participant, follow_up), _post(source="phone"))
    assert "in person" in response.context["form"].errors["co_ppm"][0]
    assert "There is a problem: nothing was saved" in response.content.decode()
    assert audit_snapshot() == before


def test_recording_smoke_free_with_co_4_makes_the_4_week_outcome_co_verified(client, pwp_a, week4):
    participant, follow_up = week4
    client.force_login(pwp_a)
    detail = reverse("participant-detail", args=[participant.public_id])
    assert client.get(detail).context["four_week"] == "Not yet assessed"
    response = client.post(_url(participant, follow_up), _post())
    assert response.status_code == 302
    page = client.get(detail)
    assert page.context["four_week"] == "Quit (CO-verified)"
    assert "Quit (CO-verified)" in page.content.decode()


def test_by_phone_without_co_the_4_week_outcome_is_self_report_only(client, pwp_a, week4):
    participant, follow_up = week4
    client.force_login(pwp_a)
    client.post(_url(participant, follow_up), _post(source="phone", co_ppm=""))
    detail = reverse("participant-detail", args=[participant.public_id])
    assert client.get(detail).context["four_week"] == "Quit (self-report only)"


def test_participant_page_offers_record_follow_up_only_for_open_windows_to_clinicians(
    client, pwp_a, advisor_a, week4
):
    participant, follow_up = week4
    detail = reverse("participant-detail", args=[participant.public_id])
    url = _url(participant, follow_up)
    client.force_login(pwp_a)
    html = client.get(detail).content.decode()
    assert url in html
    assert "Record follow-up" in html
    month3 = FollowUp.objects.get(participant=participant, timepoint="month3")
    assert _url(participant, month3) not in html  # not open yet
    client.force_login(advisor_a)
    assert url not in client.get(detail).content.decode()
    client.force_login(pwp_a)
    client.post(url, _post())
    assert url not in client.get(detail).content.decode()


def test_opening_a_recorded_follow_up_goes_back_with_a_message(client, pwp_a, week4):
    participant, follow_up = week4
    record_follow_up_assessment(follow_up=follow_up, recorded_by=pwp_a, **_smoke_free())
    client.force_login(pwp_a)
    response = client.get(_url(participant, follow_up))
    assert response.status_code == 302
    texts = [m.message for m in get_messages(response.wsgi_request)]
    assert texts == ["The 4-week quit check has already been recorded."]
