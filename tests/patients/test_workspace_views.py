"""The practitioner workspace pages: caseload, screening, consent, baseline, randomise, exit."""

import datetime as dt
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cessation import services as session_services
from apps.cessation.services import SessionInput
from apps.outcomes import services as outcome_services
from apps.outcomes.models import COReading, GAD7Response, PHQ9Response, SafetyAlert
from apps.patients.models import (
    Allocation,
    Baseline,
    ContactDetails,
    Participant,
    ScreeningOutcome,
    ScreeningRecord,
)
from apps.reminders.models import FollowUp, Reminder, ReminderStatus
from apps.sites.selectors import get_pilot
from tests.factories import make_participant

TODAY = timezone.localdate
# The session, the user, the participant (with site, allocation, baseline), sessions (with whether
# each was edited) and their medication, PHQ-9, GAD-7, CO, smoking reports, Talking Therapies
# session reports, follow-ups and their
# messages, alerts, adverse events, protocol deviations, corrections, data queries, the pilot,
# contact details, and the access-log row for showing those contact details. The outcomes come
# from these rows: reading the records again cost eight more. Source data verification reads
# three: every verifiable record (one UNION ALL), their last corrections and verifications; the
# data lock banner one.
PARTICIPANT_PAGE_QUERIES = 24


def criteria_post(**answers) -> dict:
    base = {
        "aged_18_or_over": "yes",
        "smokes_daily": "yes",
        "has_depression_or_anxiety": "yes",
        "starting_talking_therapies": "yes",
        "wants_help_to_quit": "yes",
    }
    return base | answers


def items(prefix: str, values) -> dict:
    return {f"{prefix}_{i}": str(v) for i, v in enumerate(values, start=1)}


def baseline_post(**overrides) -> dict:
    data = {
        "recorded_on": TODAY().isoformat(),
        "preferred_channel": "email",
        "email": "person@example.test",
        "mobile": "",
        "consent_to_contact": "on",
        "cigarettes_per_day": "25",
        "minutes_to_first_cigarette": "5",
        "year_of_birth": "1980",
        "sex": "male",
        "co_ppm": "18",
        **items("phq9", [2, 2, 2, 1, 1, 1, 1, 0, 0]),
        **items("gad7", [2, 2, 1, 0, 0, 0, 0]),
    }
    return data | overrides


# ------------------------------------------------------------------------------------------
# Home and caseload
# ------------------------------------------------------------------------------------------


def test_home_sends_signed_in_staff_to_the_caseload(client, pwp_a):
    client.force_login(pwp_a)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("caseload")


def test_caseload_lists_my_participants_with_arm_last_session_and_next_action(
    client, pwp_a, participant_a
):
    session_services.record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=TODAY() - dt.timedelta(days=2),
            attendance="attended",
            number=1,
            session_type="pre_quit",
            mode="face_to_face",
            duration_minutes=15,
        ),
    )
    client.force_login(pwp_a)
    response = client.get(reverse("caseload"))
    html = response.content.decode()
    assert participant_a.trial_id in html
    assert participant_a.allocation.get_arm_display() in html
    assert (TODAY() - dt.timedelta(days=2)).strftime("%-d %b %Y") in html
    entry = response.context["entries"][0]
    if participant_a.allocation.arm == "intervention":
        assert entry["next"].label == "Session 2 (quit day)"
    else:
        assert entry["next"].label.startswith("3-month follow-up opens")


def test_my_caseload_excludes_colleagues_participants_but_site_view_includes_them(
    client, pwp_a, site_a, site_lead_a, participant_b
):
    from tests.factories import UserFactory

    colleague = UserFactory(role="pwp", site=site_a)
    mine = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    theirs = make_participant(site=site_a, pwp=colleague, stage="screened")
    client.force_login(pwp_a)
    my_ids = [e["participant"].trial_id for e in client.get("/caseload/").context["entries"]]
    site_ids = [
        e["participant"].trial_id for e in client.get("/caseload/?scope=site").context["entries"]
    ]
    assert my_ids == [mine.trial_id]
    assert site_ids == sorted([mine.trial_id, theirs.trial_id])
    assert participant_b.trial_id not in site_ids


def test_caseload_search_filter_and_sort(client, pwp_a, site_a):
    screened = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    consented = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    client.force_login(pwp_a)

    def ids(query):
        return [
            e["participant"].trial_id for e in client.get(f"/caseload/?{query}").context["entries"]
        ]

    assert ids(f"q={consented.trial_id.lower()}") == [consented.trial_id]
    assert ids("status=screened") == [screened.trial_id]
    assert ids("sort=-trial_id") == [consented.trial_id, screened.trial_id]
    assert ids("sort=nonsense") == [screened.trial_id, consented.trial_id]


def test_caseload_shows_open_alerts_at_the_top(client, pwp_a, participant_a):
    outcome_services.record_phq9(
        participant=participant_a, items=[0, 0, 0, 0, 0, 0, 0, 0, 2], completed_on=TODAY()
    )
    client.force_login(pwp_a)
    html = client.get(reverse("caseload")).content.decode()
    banner = html.index("1 open safety alert")
    table = html.index("<table")
    assert banner < table
    assert "item 9 = 2" in html
    assert "1 open" in html[table:]


def _caseload_population(site, pwp, size):
    for i in range(size):
        participant = make_participant(site=site, pwp=pwp, stage="randomised")
        if i % 2 == 0:
            session_services.record_session(
                participant=participant,
                practitioner=pwp,
                data=SessionInput(
                    session_date=TODAY(),
                    attendance="attended",
                    number=1,
                    session_type="pre_quit",
                    mode="telephone",
                    duration_minutes=10,
                    phq9_items=[0, 0, 0, 0, 0, 0, 0, 0, 1],
                ),
            )


@pytest.mark.parametrize("size", [2, 12])
def test_caseload_costs_the_same_queries_at_any_size(
    client, pwp_a, site_a, django_assert_num_queries, size
):
    _caseload_population(site_a, pwp_a, size)
    client.force_login(pwp_a)
    client.get(reverse("caseload"))  # stores the session's start
    # the session, the signed-in user, count, pilot, rows, follow-ups, alerts, who was told of
    # them, phone tasks, data queries waiting, data locks holding (the banner), certificates
    # to renew (the other banner)
    with django_assert_num_queries(12):
        response = client.get(reverse("caseload") + "?scope=site")
    assert len(response.context["entries"]) == size
    assert len(response.context["alerts"]) == (size + 1) // 2


# ------------------------------------------------------------------------------------------
# Screening
# ------------------------------------------------------------------------------------------


def test_eligible_screening_creates_participant_and_goes_to_consent(client, pwp_a, site_a):
    client.force_login(pwp_a)
    response = client.post(
        reverse("screening-new"),
        {"site": site_a.pk, "screened_on": TODAY().isoformat(), "declined": "no"} | criteria_post(),
    )
    participant = Participant.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("participant-consent", args=[participant.public_id])
    assert participant.assigned_pwp == pwp_a
    assert participant.screening.outcome == ScreeningOutcome.ELIGIBLE


def test_not_eligible_is_logged_with_reason_and_no_participant(client, pwp_a, site_a):
    client.force_login(pwp_a)
    response = client.post(
        reverse("screening-new"),
        {
            "site": site_a.pk,
            "screened_on": TODAY().isoformat(),
            "declined": "no",
            "exclusion_reason": "site_exclusion",
            "reason_detail": "Pregnant: referred to maternity stop smoking service",
        }
        | criteria_post(smokes_daily="no"),
    )
    assert response.status_code == 302
    screening = ScreeningRecord.objects.get()
    assert screening.outcome == ScreeningOutcome.NOT_ELIGIBLE
    assert screening.exclusion_reason == "site_exclusion"
    assert screening.smokes_daily is False
    assert not Participant.objects.exists()
    assert not ContactDetails.objects.exists()


def test_site_exclusion_when_every_criterion_is_met_is_not_eligible(client, pwp_a, site_a):
    """(2nd ed.) It came back eligible and created a participant."""
    client.force_login(pwp_a)
    post = {
        "site": site_a.pk,
        "screened_on": TODAY().isoformat(),
        "declined": "no",
        "exclusion_reason": "site_exclusion",
    }
    refused = client.post(reverse("screening-new"), post | criteria_post())
    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "reason_detail": ["Say which site-specific exclusion applies."]
    }
    assert not ScreeningRecord.objects.exists()
    detail = {"reason_detail": "Taking part in another cessation study"}
    response = client.post(reverse("screening-new"), post | criteria_post() | detail)
    assert response.status_code == 302
    screening = ScreeningRecord.objects.get()
    assert (screening.outcome, screening.exclusion_reason) == (
        ScreeningOutcome.NOT_ELIGIBLE,
        "site_exclusion",
    )
    assert not Participant.objects.exists()


def test_declined_needs_a_reason_and_is_logged_without_a_participant(client, pwp_a, site_a):
    client.force_login(pwp_a)
    post = {"site": site_a.pk, "screened_on": TODAY().isoformat(), "declined": "yes"}
    refused = client.post(reverse("screening-new"), post | criteria_post())
    assert refused.status_code == 200
    assert "Choose why the person declined." in refused.content.decode()
    assert not ScreeningRecord.objects.exists()
    client.post(reverse("screening-new"), post | criteria_post() | {"decline_reason": "no_time"})
    screening = ScreeningRecord.objects.get()
    assert screening.outcome == ScreeningOutcome.DECLINED
    assert screening.decline_reason == "no_time"
    assert not Participant.objects.exists()


def test_screening_needs_every_criterion_and_no_future_date(client, pwp_a, site_a):
    client.force_login(pwp_a)
    criteria = criteria_post()
    del criteria["smokes_daily"]
    response = client.post(
        reverse("screening-new"),
        {
            "site": site_a.pk,
            "screened_on": (TODAY() + dt.timedelta(days=1)).isoformat(),
            "declined": "no",
        }
        | criteria,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Answer yes or no: smokes daily." in html
    assert "Date screened cannot be in the future." in html
    assert not ScreeningRecord.objects.exists()


def test_screening_form_asks_for_no_contact_details(client, pwp_a):
    client.force_login(pwp_a)
    form = client.get(reverse("screening-new")).context["form"]
    assert not {"email", "mobile", "name", "nhs_number"} & set(form.fields)


def test_pwp_cannot_screen_at_a_site_that_is_not_theirs(client, pwp_a, site_b):
    client.force_login(pwp_a)
    response = client.post(
        reverse("screening-new"),
        {"site": site_b.pk, "screened_on": TODAY().isoformat(), "declined": "no"} | criteria_post(),
    )
    assert response.status_code == 200
    assert not ScreeningRecord.objects.exists()


# ------------------------------------------------------------------------------------------
# Consent, baseline, randomisation
# ------------------------------------------------------------------------------------------


def test_consent_records_date_version_and_who_took_it(client, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    client.force_login(pwp_a)
    response = client.post(
        reverse("participant-consent", args=[participant.public_id]),
        {"consented_on": TODAY().isoformat(), "consent_form_version": "v1.0"},
    )
    assert response.url == reverse("participant-baseline", args=[participant.public_id])
    participant.refresh_from_db()
    assert participant.status == "consented"
    assert participant.consented_on == TODAY()
    assert participant.consent_form_version == "v1.0"
    assert participant.consent_taken_by == pwp_a


def test_consent_form_offers_only_the_pilots_versions(client, pwp_a, site_a):
    pilot = get_pilot()
    pilot.consent_form_versions = ["v1.0", "v2.1"]
    pilot.current_consent_form_version = "v2.1"
    pilot.save()
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    client.force_login(pwp_a)
    form = client.get(reverse("participant-consent", args=[participant.public_id])).context["form"]
    assert [v for v, _ in form.fields["consent_form_version"].choices] == ["v1.0", "v2.1"]
    assert form.fields["consent_form_version"].initial == "v2.1"
    client.post(
        reverse("participant-consent", args=[participant.public_id]),
        {"consented_on": TODAY().isoformat(), "consent_form_version": "v9"},
    )
    participant.refresh_from_db()
    assert participant.status == "screened"


def test_randomisation_is_impossible_before_consent(client, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    client.force_login(pwp_a)
    url = reverse("participant-randomise", args=[participant.public_id])
    assert "Yes, randomise now" not in client.get(url).content.decode()
    response = client.post(url)
    assert "cannot become randomised" in response.content.decode()
    participant.refresh_from_db()
    assert participant.status == "screened"
    assert not Allocation.objects.exists()


def test_baseline_records_contact_smoking_and_baseline_measures(client, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    client.force_login(pwp_a)
    response = client.post(
        reverse("participant-baseline", args=[participant.public_id]), baseline_post()
    )
    assert response.status_code == 302
    baseline = Baseline.objects.get(participant=participant)
    assert (baseline.hsi_score, baseline.hsi_band) == (5, "high")
    assert ContactDetails.objects.get(participant=participant).email == "person@example.test"
    phq9 = PHQ9Response.objects.get(participant=participant)
    gad7 = GAD7Response.objects.get(participant=participant)
    co = COReading.objects.get(participant=participant)
    assert (phq9.total, phq9.timepoint, phq9.source) == (10, "baseline", "in_session")
    assert (gad7.total, gad7.timepoint) == (5, "baseline")
    assert (co.ppm, co.timepoint, co.source) == (18, "baseline", "in_session")


def test_baseline_with_a_blank_phq9_item_stores_nothing(client, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    client.force_login(pwp_a)
    post = baseline_post()
    del post["phq9_4"]
    response = client.post(reverse("participant-baseline", args=[participant.public_id]), post)
    assert response.status_code == 200
    assert "Answer PHQ-9 item 4." in response.content.decode()
    assert not Baseline.objects.exists()
    assert not PHQ9Response.objects.exists()
    assert not ContactDetails.objects.exists()


def test_baseline_by_text_needs_a_mobile_number(client, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    client.force_login(pwp_a)
    response = client.post(
        reverse("participant-baseline", args=[participant.public_id]),
        baseline_post(preferred_channel="sms", email=""),
    )
    assert "Give a mobile number to contact by text." in response.content.decode()
    assert not Baseline.objects.exists()


def test_randomise_confirms_first_then_allocates_once(client, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    client.force_login(pwp_a)
    url = reverse("participant-randomise", args=[participant.public_id])
    confirm = client.get(url)
    assert "can never be redone or changed" in confirm.content.decode()
    assert not Allocation.objects.exists()
    response = client.post(url, follow=True)
    allocation = Allocation.objects.get(participant=participant)
    html = response.content.decode()
    assert allocation.allocated_by == pwp_a
    assert f"randomised to the {allocation.get_arm_display().lower()} arm" in html
    assert "by " + escape(str(pwp_a)) in html
    again = client.post(url)
    assert again.status_code == 302
    assert Allocation.objects.get(participant=participant).pk == allocation.pk
    assert Allocation.objects.count() == 1


def test_single_arm_pilot_enrols_instead_of_randomising(client, pwp_a, site_a):
    pilot = get_pilot()
    pilot.is_randomised = False
    pilot.save()
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    client.force_login(pwp_a)
    url = reverse("participant-randomise", args=[participant.public_id])
    assert "Yes, enrol now" in client.get(url).content.decode()
    client.post(url)
    participant.refresh_from_db()
    assert participant.status == "enrolled"
    assert not Allocation.objects.exists()


# ------------------------------------------------------------------------------------------
# Exit
# ------------------------------------------------------------------------------------------


def test_withdrawal_needs_a_reason_and_stops_every_reminder(client, pwp_a, participant_a):
    assert Reminder.objects.filter(participant=participant_a, status="pending").exists()
    client.force_login(pwp_a)
    url = reverse("participant-withdraw", args=[participant_a.public_id])
    refused = client.post(url, {"exit_on": TODAY().isoformat(), "reason": ""})
    assert refused.status_code == 200
    participant_a.refresh_from_db()
    assert participant_a.status == "randomised"
    client.post(url, {"exit_on": TODAY().isoformat(), "reason": "participant_choice"})
    participant_a.refresh_from_db()
    assert participant_a.status == "withdrawn"
    assert not Reminder.objects.filter(
        participant=participant_a, status=ReminderStatus.PENDING
    ).exists()
    assert set(
        FollowUp.objects.filter(participant=participant_a).values_list("status", flat=True)
    ) == {"cancelled"}


def test_mark_lost_to_follow_up(client, pwp_a, participant_a):
    client.force_login(pwp_a)
    client.post(
        reverse("participant-lost", args=[participant_a.public_id]),
        {"exit_on": TODAY().isoformat(), "reason": "uncontactable"},
    )
    participant_a.refresh_from_db()
    assert participant_a.status == "lost"
    assert participant_a.exit_reason == "uncontactable"


# ------------------------------------------------------------------------------------------
# Participant page
# ------------------------------------------------------------------------------------------


def test_participant_page_shows_timeline_charts_outcomes_and_follow_ups(
    client, pwp_a, participant_a
):
    first = participant_a.screened_on + dt.timedelta(days=1)
    last = TODAY()
    for day, phq, gad in (
        (first, [2, 2, 2, 2, 2, 2, 2, 0, 0], [2, 2, 1, 1, 1, 1, 1]),
        (last, [1, 1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 0]),
    ):
        outcome_services.record_phq9(participant=participant_a, items=phq, completed_on=day)
        outcome_services.record_gad7(participant=participant_a, items=gad, completed_on=day)
    outcome_services.record_co_reading(
        participant=participant_a, ppm=4, taken_at=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(pwp_a)
    response = client.get(reverse("participant-detail", args=[participant_a.public_id]))
    html = response.content.decode()
    context = response.context
    assert [p["value"] for p in context["charts"]["phq9"]] == [14, 8]
    assert [p["value"] for p in context["charts"]["gad7"]] == [9, 6]
    assert context["charts"]["co"][0]["value"] == 4
    tt = context["tt"]
    assert tt.outcome.caseness_at_start and not tt.outcome.caseness_at_end
    assert tt.outcome.recovered and tt.outcome.reliable_improvement
    assert tt.outcome.reliable_recovery
    kinds = [e.kind for e in context["timeline"]]
    assert kinds[:2] == ["screening", "consent"]
    assert {"allocation", "measure"} <= set(kinds)
    assert "Follow-ups" in html
    assert 'id="chart-data"' in html
    assert "PHQ-9 and GAD-7 as a table" in html


def test_participant_page_shows_four_week_quit_outcome_when_known(client, pwp_a, site_a):
    quit_date = TODAY() - dt.timedelta(days=30)
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=quit_date - dt.timedelta(days=5)
    )
    from apps.journey.services import set_quit_date

    set_quit_date(participant=participant, quit_date=quit_date)
    outcome_services.record_smoking_status(
        participant=participant,
        completed_on=TODAY() - dt.timedelta(days=1),
        timepoint="week4",
        smoked_last_7_days=False,
        smoke_free_since_day_14=True,
        quit_attempt_since_last_contact=True,
        uses_e_cigarette=False,
        uses_stop_smoking_medication=True,
    )
    outcome_services.record_co_reading(
        participant=participant, ppm=4, taken_at=timezone.now() - dt.timedelta(days=1)
    )
    client.force_login(pwp_a)
    response = client.get(reverse("participant-detail", args=[participant.public_id]))
    assert response.context["four_week"] == "Quit (CO-verified)"


def test_only_the_four_week_check_decides_the_four_week_outcome(client, pwp_a, site_a):
    # A report at another timepoint that falls in days 25-42 is not the 4-week check, on this
    # page as on the dashboard and in the export.
    quit_date = TODAY() - dt.timedelta(days=50)
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=quit_date - dt.timedelta(days=5)
    )
    from apps.journey.services import set_quit_date

    set_quit_date(participant=participant, quit_date=quit_date)
    outcome_services.record_smoking_status(
        participant=participant,
        completed_on=quit_date + dt.timedelta(days=29),
        timepoint="session",
        smoked_last_7_days=False,
        smoke_free_since_day_14=True,
        quit_attempt_since_last_contact=True,
        uses_e_cigarette=False,
        uses_stop_smoking_medication=True,
    )
    client.force_login(pwp_a)
    response = client.get(reverse("participant-detail", args=[participant.public_id]))
    assert response.context["four_week"] == "Not known (counts as not quit)"


def test_history_link_is_for_managers_only(client, pwp_a, trial_manager, participant_a):
    from django.urls import NoReverseMatch

    try:
        history = reverse("participant-history", args=[participant_a.public_id])
    except NoReverseMatch:
        pytest.fail("participant-history route is missing")
    client.force_login(pwp_a)
    url = reverse("participant-detail", args=[participant_a.public_id])
    assert history not in client.get(url).content.decode()
    client.force_login(trial_manager)
    assert history in client.get(url).content.decode()


def test_open_alert_is_on_the_participant_page_and_acknowledging_it_closes_it(
    client, pwp_a, participant_a
):
    outcome_services.record_phq9(
        participant=participant_a, items=[0, 0, 0, 0, 0, 0, 0, 0, 1], completed_on=TODAY()
    )
    alert = SafetyAlert.objects.get()
    client.force_login(pwp_a)
    url = reverse("participant-detail", args=[participant_a.public_id])
    assert "1 open safety alert" in client.get(url).content.decode()
    client.post(
        reverse("alert-acknowledge", args=[alert.public_id]),
        {"action_taken": "Phoned, safety plan agreed with GP", "next": url},
    )
    assert "open safety alert" not in client.get(url).content.decode()


def test_baseline_questionnaires_are_recorded_once_and_the_page_then_corrects_only_baseline(
    client, pwp_a, site_a
):
    from apps.core.errors import DomainError
    from apps.journey.services import record_baseline_assessment

    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    client.force_login(pwp_a)
    url = reverse("participant-baseline", args=[participant.public_id])
    client.post(url, baseline_post())
    with pytest.raises(DomainError) as error:
        record_baseline_assessment(
            participant=participant,
            recorded_by=pwp_a,
            recorded_on=TODAY(),
            cigarettes_per_day=10,
            minutes_to_first_cigarette=45,
            sex="male",
            year_of_birth=1980,
            email="person@example.test",
            phq9_items=[0] * 9,
        )
    assert error.value.field == "phq9_items"
    form = client.get(url).context["form"]
    assert "phq9_1" not in form.fields
    assert form.initial["cigarettes_per_day"] == 25
    client.post(url, baseline_post(cigarettes_per_day="10", minutes_to_first_cigarette="45"))
    baseline = Baseline.objects.get(participant=participant)
    assert (baseline.cigarettes_per_day, baseline.hsi_score, baseline.hsi_band) == (10, 1, "low")
    assert PHQ9Response.objects.filter(participant=participant).count() == 1


def test_baseline_cannot_be_dated_before_consent(pwp_a, site_a):
    from apps.core.errors import DomainError
    from apps.journey.services import record_baseline_assessment

    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    with pytest.raises(DomainError) as error:
        record_baseline_assessment(
            participant=participant,
            recorded_by=pwp_a,
            recorded_on=participant.consented_on - dt.timedelta(days=1),
            cigarettes_per_day=10,
            minutes_to_first_cigarette=45,
            sex="male",
            year_of_birth=1980,
            email="person@example.test",
        )
    assert error.value.field == "recorded_on"
    assert not Baseline.objects.exists()


def test_positive_item_9_at_baseline_raises_an_alert(client, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    client.force_login(pwp_a)
    client.post(
        reverse("participant-baseline", args=[participant.public_id]),
        baseline_post(phq9_9="2"),
    )
    assert SafetyAlert.objects.get().participant == participant


def test_site_lead_can_assign_a_pwp_only_from_the_screening_site(
    client, site_lead_a, pwp_a, pwp_b, site_a, site_b
):
    site_lead_a.sites.add(site_b)  # leads both sites, so both PWPs are offered
    client.force_login(site_lead_a)
    post = {"site": site_a.pk, "screened_on": TODAY().isoformat(), "declined": "no"}
    refused = client.post(
        reverse("screening-new"), post | criteria_post() | {"assigned_pwp": pwp_b.pk}
    )
    assert refused.context["form"].errors["assigned_pwp"] == [
        f"{pwp_b} does not work at {site_a.name}."
    ]
    assert not ScreeningRecord.objects.exists()
    client.post(reverse("screening-new"), post | criteria_post() | {"assigned_pwp": pwp_a.pk})
    assert Participant.objects.get().assigned_pwp == pwp_a


@pytest.mark.parametrize("sessions", [1, 4])
def test_participant_page_costs_the_same_queries_however_many_records(
    client, pwp_a, site_a, django_assert_num_queries, sessions
):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    for number in range(1, sessions + 1):
        session_services.record_session(
            participant=participant,
            practitioner=pwp_a,
            data=SessionInput(
                session_date=TODAY() - dt.timedelta(days=sessions - number),
                attendance="attended",
                number=number,
                session_type="pre_quit" if number == 1 else "follow_up",
                mode="telephone",
                duration_minutes=10,
                phq9_items=[1, 0, 0, 0, 0, 0, 0, 0, 0],
                gad7_items=[1, 0, 0, 0, 0, 0, 0],
                co_ppm=4,
            ),
        )
    url = reverse("participant-detail", args=[participant.public_id])
    client.force_login(pwp_a)
    client.get(url)  # stores the session's start
    # The outcomes are built from the rows the page reads (no second read of the records).
    with django_assert_num_queries(PARTICIPANT_PAGE_QUERIES):
        response = client.get(url)
    assert len(response.context["sessions"]) == sessions
    assert len(response.context["phq9"]) == len(response.context["co_readings"]) == sessions


def test_baseline_cross_field_rules_come_with_the_field_errors_in_one_round(client, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    client.force_login(pwp_a)
    before_consent = (participant.consented_on - dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("participant-baseline", args=[participant.public_id]),
        baseline_post(recorded_on=before_consent, year_of_birth=str(TODAY().year + 1), sex=""),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"recorded_on", "year_of_birth", "sex"}
    assert errors["year_of_birth"] == ["Year of birth cannot be in the future."]
    assert "before consent" in errors["recorded_on"][0]
    assert not Baseline.objects.filter(participant=participant).exists()
