"""The participant journey through the API: screen, consent, baseline, randomise, record, exit."""

import datetime as dt

from django.utils import timezone

from apps.cessation.models import CessationSession
from apps.journey.services import set_quit_date
from apps.outcomes.models import COReading, GAD7Response, PHQ9Response, SafetyAlert
from apps.patients.models import Allocation, ContactDetails, Participant, ScreeningRecord
from apps.reminders.models import FollowUpStatus
from tests.factories import make_participant

TODAY = timezone.localdate  # called each time: a run may pass midnight
CRITERIA = {
    "aged_18_or_over": True,
    "smokes_daily": True,
    "has_depression_or_anxiety": True,
    "starting_talking_therapies": True,
    "wants_help_to_quit": True,
}


def test_screen_consent_baseline_randomise_shows_arm_only_once_randomised(client_for, pwp_a):
    client = client_for(pwp_a)
    screened = client.post("/api/v1/screenings/", {"screened_on": str(TODAY()), **CRITERIA})
    assert screened.status_code == 201, screened.json()
    trial_id = screened.json()["participant"]
    assert trial_id == "BRS-0001"
    assert screened.json()["outcome"] == "eligible"
    base = f"/api/v1/participants/{trial_id}/"
    assert client.get(base).json()["arm"] is None

    consent = client.post(
        f"{base}consent/", {"consented_on": str(TODAY()), "consent_form_version": "v1.0"}
    )
    assert consent.status_code == 200, consent.json()
    assert consent.json()["status"] == "consented"
    assert consent.json()["consent_taken_by"] == "pwp.a@nhs.test"
    assert consent.json()["arm"] is None

    baseline = client.post(
        f"{base}baseline/",
        {
            "recorded_on": str(TODAY()),
            "cigarettes_per_day": 25,
            "minutes_to_first_cigarette": 5,
            "sex": "male",
            "year_of_birth": 1980,
            "email": "p@example.test",
        },
    )
    assert baseline.status_code == 200, baseline.json()
    assert baseline.json()["baseline"]["hsi_score"] == 5
    assert baseline.json()["baseline"]["hsi_band"] == "high"
    assert "email" not in baseline.json()["baseline"]

    randomised = client.post(f"{base}randomise/")
    assert randomised.status_code == 200, randomised.json()
    allocation = Allocation.objects.get(participant__trial_id=trial_id)
    assert randomised.json()["status"] == "randomised"
    assert randomised.json()["arm"] == allocation.arm
    listed = client.get("/api/v1/participants/").json()["results"]
    assert listed[0]["arm"] == allocation.arm


def test_not_eligible_screening_creates_no_participant(client_for, pwp_a):
    response = client_for(pwp_a).post(
        "/api/v1/screenings/",
        {"screened_on": str(TODAY()), **CRITERIA, "smokes_daily": False},
    )
    assert response.status_code == 201
    assert response.json()["outcome"] == "not_eligible"
    assert response.json()["exclusion_reason"] == "not_daily_smoker"
    assert response.json()["participant"] is None
    assert Participant.objects.count() == 0


def test_screening_at_a_site_you_do_not_work_at_is_refused(client_for, pwp_a, site_b):
    response = client_for(pwp_a).post(
        "/api/v1/screenings/", {"screened_on": str(TODAY()), "site": "LDS", **CRITERIA}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "site"
    assert ScreeningRecord.objects.count() == 0


def test_phq9_returns_total_severity_and_risk_and_raises_alert(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/phq9/",
        {"items": [0, 0, 0, 0, 0, 0, 0, 0, 1], "completed_on": str(TODAY())},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["total"], body["severity"], body["risk"]) == (1, "minimal", True)
    alert = SafetyAlert.objects.get()
    assert body["safety_alert"] == str(alert.public_id)
    assert body["recorded_by"] == "pwp.a@nhs.test"


def test_phq9_with_missing_item_names_it_and_stores_nothing(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/phq9/",
        {"items": [0, 0, None, 0, 0, 0, 0, 0, 0], "completed_on": str(TODAY())},
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "items"
    assert "item 3 is required" in error["message"]
    assert PHQ9Response.objects.count() == 0


def test_phq9_item_out_of_range_names_the_item(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/phq9/",
        {"items": [0, 0, 0, 0, 0, 0, 0, 0, 4], "completed_on": str(TODAY())},
    )
    assert response.status_code == 400
    # Named by the item's number on the form, never by its list index ("items.8").
    assert response.json()["errors"] == [
        {
            "field": "items",
            "code": "invalid",
            "message": "PHQ-9 item 9 must be an integer from 0 to 3.",
        }
    ]


def test_every_bad_gad7_answer_is_named_by_its_item_number_in_one_round(
    client_for, pwp_a, participant_a
):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/gad7/",
        {"items": [5, 0, 0, "x", 0, 0, 0], "completed_on": str(TODAY())},
    )
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        "GAD-7 item 1 must be an integer from 0 to 3.",
        "GAD-7 item 4 must be an integer from 0 to 3.",
    ]
    assert {e["field"] for e in response.json()["errors"]} == {"items"}


def test_gad7_and_co_reading_are_scored_by_the_server(client_for, pwp_a, participant_a):
    client = client_for(pwp_a)
    base = f"/api/v1/participants/{participant_a.trial_id}/"
    gad7 = client.post(
        f"{base}gad7/", {"items": [2, 2, 1, 0, 0, 0, 0], "completed_on": str(TODAY())}
    )
    assert gad7.status_code == 201
    assert (gad7.json()["total"], gad7.json()["severity"]) == (5, "mild")
    co = client.post(f"{base}co-readings/", {"ppm": 8, "taken_at": timezone.now().isoformat()})
    assert co.status_code == 201, co.json()
    assert (co.json()["band"], co.json()["verifies_abstinence"]) == ("borderline", True)
    too_high = client.post(
        f"{base}co-readings/", {"ppm": 101, "taken_at": timezone.now().isoformat()}
    )
    assert too_high.status_code == 400
    assert too_high.json()["errors"][0]["field"] == "ppm"
    assert GAD7Response.objects.count() == 1
    assert COReading.objects.count() == 1


def test_future_date_is_a_400_naming_the_field(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/gad7/",
        {"items": [0] * 7, "completed_on": str(TODAY() + dt.timedelta(days=1))},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "completed_on"
    assert GAD7Response.objects.count() == 0


def test_session_is_recorded_with_its_measures_by_the_caller(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/sessions/",
        {
            "session_date": str(TODAY()),
            "attendance": "attended",
            "mode": "telephone",
            "duration_minutes": 15,
            "bcts_delivered": ["assess_smoking", "set_quit_date"],
            "pharmacotherapy": [{"product": "nrt_patch", "action": "provided"}],
            "co_ppm": 12,
            "phq9_items": [1] * 8 + [0],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["session_type"]) == (1, "pre_quit")
    assert body["practitioner"] == "pwp.a@nhs.test"
    assert body["pharmacotherapy"] == [{"product": "nrt_patch", "action": "provided"}]
    session = CessationSession.objects.get()
    assert session.co_readings.get().ppm == 12
    assert PHQ9Response.objects.get(session=session).total == 8


def test_session_correction_goes_through_the_service(client_for, pwp_a, participant_a):
    client = client_for(pwp_a)
    created = client.post(
        f"/api/v1/participants/{participant_a.trial_id}/sessions/",
        {"session_date": str(TODAY()), "attendance": "dna"},
    ).json()
    url = f"/api/v1/sessions/{created['id']}/"
    refused = client.patch(url, {"notes": "Phoned, no answer"})
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["reason"]
    assert CessationSession.objects.get().notes == ""
    response = client.patch(url, {"notes": "Phoned, no answer", "reason": "late_information"})
    assert response.status_code == 200, response.json()
    assert CessationSession.objects.get().notes == "Phoned, no answer"


def test_withdrawal_cancels_open_follow_ups(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/withdraw/",
        {"on": str(TODAY()), "reason": "participant_choice"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "withdrawn"
    assert set(participant_a.follow_ups.values_list("status", flat=True)) == {
        FollowUpStatus.CANCELLED
    }


def test_transition_not_allowed_is_a_400_with_the_status_field(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/consent/",
        {"consented_on": str(TODAY()), "consent_form_version": "v1.0"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"


def test_invitation_returns_a_link_for_an_open_follow_up(client_for, pwp_a, site_a):
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=TODAY() - dt.timedelta(days=40)
    )
    set_quit_date(participant=participant, quit_date=TODAY() - dt.timedelta(days=28))
    week4 = participant.follow_ups.get(timepoint="week4")
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant.trial_id}/invitations/",
        {"follow_up": str(week4.public_id)},
    )
    assert response.status_code == 201, response.json()
    assert "/q/" in response.json()["url"]
    assert response.json()["timepoint"] == "week4"
    assert participant.questionnaire_links.count() == 1


def test_invitation_for_a_window_not_yet_open_is_refused(client_for, pwp_a, participant_a):
    month6 = participant_a.follow_ups.get(timepoint="month6")
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/invitations/",
        {"follow_up": str(month6.public_id)},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "follow_up"
    assert participant_a.questionnaire_links.count() == 0


def test_acknowledging_an_alert_records_who_and_what(client_for, pwp_a, participant_a):
    client = client_for(pwp_a)
    client.post(
        f"/api/v1/participants/{participant_a.trial_id}/phq9/",
        {"items": [0] * 8 + [2], "completed_on": str(TODAY())},
    )
    alert = SafetyAlert.objects.get()
    assert client.get("/api/v1/safety-alerts/?open=true").json()["results"][0]["id"] == str(
        alert.public_id
    )
    response = client.post(
        f"/api/v1/safety-alerts/{alert.public_id}/acknowledge/",
        {"action_taken": "Phoned the participant; safety plan agreed."},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["acknowledged_by"] == "pwp.a@nhs.test"
    assert response.json()["is_open"] is False
    assert client.get("/api/v1/safety-alerts/?open=true").json()["results"] == []


def test_contact_details_have_their_own_endpoint_and_never_appear_in_lists(
    client_for, pwp_a, participant_a
):
    client = client_for(pwp_a)
    contact = client.get(f"/api/v1/participants/{participant_a.trial_id}/contact-details/")
    assert contact.status_code == 200
    assert contact.json()["email"] == "patient@example.test"
    listed = client.get("/api/v1/participants/").content.decode()
    assert "patient@example.test" not in listed
    detail = client.get(f"/api/v1/participants/{participant_a.trial_id}/").content.decode()
    assert "patient@example.test" not in detail
    updated = client.put(
        f"/api/v1/participants/{participant_a.trial_id}/contact-details/",
        {"email": "", "mobile": "07700 900123", "preferred_channel": "sms"},
    )
    assert updated.status_code == 200, updated.json()
    assert ContactDetails.objects.get(participant=participant_a).mobile == "07700 900123"


def test_contact_details_need_an_address_for_the_preferred_channel(
    client_for, pwp_a, participant_a
):
    response = client_for(pwp_a).put(
        f"/api/v1/participants/{participant_a.trial_id}/contact-details/",
        {"email": "", "mobile": "", "preferred_channel": "sms"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "mobile"
    assert ContactDetails.objects.get(participant=participant_a).email == "patient@example.test"


def test_participant_list_filters_by_site_choice_scoped_to_the_user(
    client_for, pwp_a, participant_a, participant_b, trial_manager
):
    mine = client_for(pwp_a).get("/api/v1/participants/?site=BRS")
    assert [p["trial_id"] for p in mine.json()["results"]] == [participant_a.trial_id]
    other = client_for(pwp_a).get("/api/v1/participants/?site=LDS")
    assert other.status_code == 400
    assert other.json()["errors"][0]["field"] == "site"
    manager = client_for(trial_manager).get("/api/v1/participants/?site=LDS")
    assert [p["trial_id"] for p in manager.json()["results"]] == [participant_b.trial_id]


def test_cursor_pagination_walks_every_participant_once(client_for, pwp_a, site_a):
    for _ in range(5):
        make_participant(site=site_a, pwp=pwp_a)
    client = client_for(pwp_a)
    seen, url = [], "/api/v1/participants/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [p["trial_id"] for p in page["results"]]
        url = page["next"]
    assert seen == [f"BRS-{n:04d}" for n in range(1, 6)]


def test_a_reading_before_screening_names_the_field_the_database_refused(
    client_for, pwp_a, participant_a
):
    before = dt.datetime.combine(
        participant_a.screened_on - dt.timedelta(days=3), dt.time(12), tzinfo=dt.UTC
    )
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/co-readings/",
        {"ppm": 3, "taken_at": before.isoformat()},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "taken_at",
            "code": "before_screening",
            "message": "The date cannot be before the participant was screened.",
        }
    ]
    assert COReading.objects.count() == 0


def test_a_measure_for_a_follow_up_must_be_dated_inside_its_window(client_for, pwp_a, site_a):
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=TODAY() - dt.timedelta(days=40)
    )
    set_quit_date(participant=participant, quit_date=TODAY() - dt.timedelta(days=28))
    week4 = participant.follow_ups.get(timepoint="week4")
    client = client_for(pwp_a)
    base = f"/api/v1/participants/{participant.trial_id}"
    report = {
        "follow_up": str(week4.public_id),
        "completed_on": str(TODAY() - dt.timedelta(days=8)),  # day 20: before the window opens
        "smoked_last_7_days": False,
        "cigarettes_last_7_days": 0,
        "smoke_free_since_day_14": True,
        "cigarettes_since_day_14": 0,
        "quit_attempt_since_last_contact": True,
        "uses_e_cigarette": False,
        "uses_stop_smoking_medication": False,
    }
    early = client.post(f"{base}/smoking-status/", report, format="json")
    assert early.status_code == 400, early.json()
    assert early.json()["errors"][0]["field"] == "completed_on"
    assert "inside its window" in early.json()["errors"][0]["message"]
    reading = {"follow_up": str(week4.public_id), "ppm": 4}
    late_co = client.post(
        f"{base}/co-readings/",
        {**reading, "taken_at": (timezone.now() - dt.timedelta(days=8)).isoformat()},
        format="json",
    )
    assert late_co.status_code == 400 and late_co.json()["errors"][0]["field"] == "taken_at"
    week4.refresh_from_db()
    assert week4.status != FollowUpStatus.COMPLETED
    assert not participant.smoking_reports.exists() and not COReading.objects.exists()
    in_window = client.post(
        f"{base}/smoking-status/", {**report, "completed_on": str(TODAY())}, format="json"
    )
    assert in_window.status_code == 201, in_window.json()
    week4.refresh_from_db()
    assert week4.status == FollowUpStatus.COMPLETED


def test_a_dna_session_with_a_risky_phq9_is_refused_not_dropped(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/sessions/",
        {"session_date": str(TODAY()), "attendance": "dna", "phq9_items": [0] * 8 + [2]},
        format="json",
    )
    assert response.status_code == 400, response.json()
    error = response.json()["errors"][0]
    assert error["field"] == "phq9_items" and "did not attend" in error["message"]
    assert not CessationSession.objects.exists() and not PHQ9Response.objects.exists()
    assert not SafetyAlert.objects.exists()
