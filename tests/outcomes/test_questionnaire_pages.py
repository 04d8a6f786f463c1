"""The patient's questionnaire pages: answers kept as a draft, one strict submit, plain refusals."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.journey.services import set_quit_date
from apps.outcomes.models import (
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
    Source,
)
from apps.reminders import questionnaire_links as links
from apps.reminders.models import FollowUpStatus, QuestionnaireLink, ReminderStatus
from apps.sites.selectors import get_pilot
from apps.sites.services import set_study_team_phone
from tests.reminders.helpers import participant_with_open_month3

pytestmark = pytest.mark.django_db

PHQ9_OK = {f"item{i}": "1" for i in range(1, 10)} | {"item9": "0"}
GAD7_OK = {f"item{i}": "2" for i in range(1, 8)}
SMOKING_OK = {
    "smoked_last_7_days": "yes",
    "cigarettes_last_7_days": "20",
    "quit_attempt": "yes",
    "uses_e_cigarette": "no",
    "uses_medication": "yes",
}


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.PATIENT_LINK_RATE_LIMIT = "10000/m"


@pytest.fixture
def opened(site_a, pwp_a):
    """(participant, follow-up, raw token) for a 3-month follow-up whose window is open."""
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    return participant, follow_up, token


def _url(token, page=""):
    return f"/q/{token}/" + (f"{page}/" if page else "")


def _answer_all(client, token, phq9=PHQ9_OK, gad7=GAD7_OK, smoking=SMOKING_OK):
    for page, data in (("phq9", phq9), ("gad7", gad7), ("smoking", smoking)):
        response = client.post(_url(token, page), data)
        assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _nothing_stored(participant):
    return not (
        PHQ9Response.objects.filter(participant=participant).exists()
        or GAD7Response.objects.filter(participant=participant).exists()
        or SmokingStatusReport.objects.filter(participant=participant).exists()
    )


def test_start_page_sends_no_referrer_and_is_never_cached(client, opened):
    _, _, token = opened
    response = client.get(_url(token))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "vendor/nhsuk-frontend/nhsuk-frontend.min.css" in body
    assert "Start now" in body


@pytest.mark.parametrize("page", ["", "phq9/", "check/", "done/"])
def test_unknown_link_gets_a_plain_page_that_reveals_nothing(client, opened, page):
    participant, _, _ = opened
    response = client.get(f"/q/{'x' * 43}/{page}")
    assert response.status_code == 404
    body = response.content.decode()
    assert "This link does not work" in body
    assert "contact the study team" in body.lower()
    assert participant.trial_id not in body
    assert participant.site.name not in body
    assert response["Referrer-Policy"] == "no-referrer"


def test_expired_link_says_so_and_reveals_nothing(client, opened):
    participant, follow_up, token = opened
    with time_machine.travel(links.link_expiry(follow_up.closes_on) + timedelta(hours=1)):
        response = client.get(_url(token))
    assert response.status_code == 410
    body = response.content.decode()
    assert "This link has expired" in body
    assert participant.trial_id not in body
    assert "3-month" not in body


def test_whole_questionnaire_is_stored_at_once_with_scores_and_completes_the_follow_up(
    client, opened
):
    participant, follow_up, token = opened
    follow_up.reminders.update(status=ReminderStatus.PENDING)
    planned = follow_up.reminders.count()
    assert planned >= 1
    _answer_all(client, token)
    assert _nothing_stored(participant)  # drafts only until the one submit

    check = client.get(_url(token, "check"))
    assert check.status_code == 200
    assert "Check your answers" in check.content.decode()
    response = client.post(_url(token, "check"))

    assert response.status_code == 302
    assert response["Location"] == _url(token, "done")
    phq9 = PHQ9Response.objects.get(participant=participant)
    gad7 = GAD7Response.objects.get(participant=participant)
    smoking = SmokingStatusReport.objects.get(participant=participant)
    assert (phq9.total, phq9.severity, phq9.risk) == (8, "mild", False)
    assert (gad7.total, gad7.severity) == (14, "moderate")
    assert smoking.smoked_last_7_days is True
    assert smoking.cigarettes_last_7_days == 20
    assert smoking.quit_attempt_since_last_contact is True
    assert smoking.uses_e_cigarette is False
    assert smoking.uses_stop_smoking_medication is True
    assert smoking.smoke_free_since_day_14 is None  # no quit date: not asked
    for measure in (phq9, gad7, smoking):
        assert measure.source == Source.ONLINE
        assert measure.timepoint == "month3"
        assert measure.follow_up_id == follow_up.pk
        assert measure.completed_on == timezone.localdate()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.COMPLETED
    assert not follow_up.reminders.filter(status=ReminderStatus.PENDING).exists()
    assert follow_up.reminders.filter(status=ReminderStatus.CANCELLED).count() == planned
    link = QuestionnaireLink.objects.get()
    assert link.used_at is not None
    assert link.draft_answers == {}

    done = client.get(_url(token, "done"))
    assert done.status_code == 200
    assert "Answers sent" in done.content.decode()
    assert "Samaritans" not in done.content.decode().split("<footer")[0]
    assert client.get(_url(token))["Location"] == _url(token, "done")  # minutes later
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        again = client.get(_url(token))
    assert again.status_code == 410
    assert "already been sent" in again.content.decode()


def test_answers_are_kept_so_the_patient_can_stop_and_come_back(client, opened):
    _, _, token = opened
    client.post(_url(token, "phq9"), PHQ9_OK)
    client.cookies.clear()  # a new visit, even from another browser, with the same link

    start = client.get(_url(token)).content.decode()
    assert "Continue" in start
    assert f'href="{_url(token, "gad7")}"' in start
    page = client.get(_url(token, "phq9")).content.decode()
    assert page.count('" checked') == 9  # radio attributes (the difficulty text says "checked")
    assert 'id="item9" name="item9" type="radio" value="0" checked' in page


def test_changing_an_answer_from_check_your_answers_returns_there(client, opened):
    _, _, token = opened
    _answer_all(client, token)
    changed = {**PHQ9_OK, "item3": "3"}
    response = client.post(_url(token, "phq9") + "?change=1", changed)
    assert response["Location"] == _url(token, "check")
    assert QuestionnaireLink.objects.get().draft_answers["phq9"]["item3"] == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**PHQ9_OK, "item4": "7"}, "Select one of the 4 answers for question 4"),
        ({k: v for k, v in PHQ9_OK.items() if k != "item2"}, "Select an answer for question 2"),
        ({**PHQ9_OK, "item1": "-1"}, "Select one of the 4 answers for question 1"),
    ],
)
def test_bad_item_answers_are_refused_with_a_named_message_and_nothing_kept(
    client, opened, data, message
):
    _, _, token = opened
    response = client.post(_url(token, "phq9"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert "nhsuk-form-group--error" in body
    assert QuestionnaireLink.objects.get().draft_answers == {}


@pytest.mark.parametrize(
    "data",
    [
        {**PHQ9_OK, "total": "0"},
        {**PHQ9_OK, "item10": "1"},
        {**PHQ9_OK, "participant": "1"},
    ],
)
def test_extra_fields_are_refused_and_nothing_is_kept(client, opened, data):
    _, _, token = opened
    response = client.post(_url(token, "phq9"), data)
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert QuestionnaireLink.objects.get().draft_answers == {}


def test_repeated_field_is_refused(client, opened):
    _, _, token = opened
    response = client.post(_url(token, "gad7"), {**GAD7_OK, "item1": ["0", "3"]})
    assert response.status_code == 400
    assert QuestionnaireLink.objects.get().draft_answers == {}


def test_submit_with_extra_fields_is_refused_and_stores_nothing(client, opened):
    participant, follow_up, token = opened
    _answer_all(client, token)
    response = client.post(_url(token, "check"), {"item9": "0"})
    assert response.status_code == 400
    assert _nothing_stored(participant)
    follow_up.refresh_from_db()
    assert follow_up.status != FollowUpStatus.COMPLETED
    assert QuestionnaireLink.objects.get().used_at is None


def test_submit_before_every_page_is_answered_goes_back_to_the_gap(client, opened):
    participant, _, token = opened
    client.post(_url(token, "phq9"), PHQ9_OK)
    response = client.post(_url(token, "check"))
    assert response["Location"] == _url(token, "gad7")
    assert _nothing_stored(participant)


def test_tampered_draft_is_refused_at_submit_and_stores_nothing(client, opened):
    participant, _, token = opened
    _answer_all(client, token)
    link = QuestionnaireLink.objects.get()
    link.draft_answers["phq9"]["item5"] = 7
    link.save()
    response = client.post(_url(token, "check"))
    assert response.status_code == 302
    assert response["Location"] == _url(token, "phq9")
    assert _nothing_stored(participant)


def test_submit_is_all_or_nothing(client, opened, monkeypatch):
    participant, follow_up, token = opened
    _answer_all(client, token)

    def broken(**kwargs):
        from apps.core.errors import DomainError

        raise DomainError("Storage refused.", field="smoking")

    monkeypatch.setattr("apps.outcomes.questionnaire_submission.record_smoking_status", broken)
    response = client.post(_url(token, "check"))
    assert response.status_code == 400
    assert "Storage refused." in response.content.decode()
    assert _nothing_stored(participant)
    assert not SafetyAlert.objects.exists()
    follow_up.refresh_from_db()
    assert follow_up.status != FollowUpStatus.COMPLETED
    assert QuestionnaireLink.objects.get().used_at is None


def test_phq9_item_9_above_0_signposts_urgent_support_and_raises_the_alert(client, opened):
    participant, _, token = opened
    _answer_all(client, token, phq9={**PHQ9_OK, "item9": "1"})
    client.post(_url(token, "check"))

    alert = SafetyAlert.objects.get(participant=participant)
    assert alert.is_open
    assert alert.phq9.item9 == 1
    body = client.get(_url(token, "done")).content.decode().split("<footer")[0]
    assert "NHS 111" in body and "option 2" in body
    assert "116 123" in body
    assert "999" in body and "A&amp;E" in body


def test_after_a_quarter_of_an_hour_only_the_submitting_browser_sees_the_confirmation(
    client, opened
):
    from django.test import Client

    _, _, token = opened
    _answer_all(client, token)
    client.post(_url(token, "check"))
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        other = Client().get(_url(token, "done"))
        assert client.get(_url(token, "done")).status_code == 200
    assert other.status_code == 410
    assert "already been sent" in other.content.decode()


def test_second_submit_of_a_used_link_stores_nothing_more(client, opened):
    participant, _, token = opened
    _answer_all(client, token)
    client.post(_url(token, "check"))
    response = client.post(_url(token, "check"))
    assert response.status_code == 302 and response["Location"] == _url(token, "done")
    assert PHQ9Response.objects.filter(participant=participant).count() == 1


def test_smoking_answer_yes_needs_a_number_and_no_ignores_one(client, opened):
    _, _, token = opened
    missing = client.post(_url(token, "smoking"), {**SMOKING_OK, "cigarettes_last_7_days": ""})
    assert (
        "Enter about how many cigarettes you have smoked in the last 7 days"
        in missing.content.decode()
    )
    bad = client.post(_url(token, "smoking"), {**SMOKING_OK, "cigarettes_last_7_days": "lots"})
    assert "must be a whole number" in bad.content.decode()
    ok = client.post(
        _url(token, "smoking"),
        {
            **SMOKING_OK,
            "smoked_last_7_days": "no",
            "cigarettes_last_7_days": "12",
            "stopped_on": timezone.localdate().isoformat(),
        },
    )
    assert ok.status_code == 302
    draft = QuestionnaireLink.objects.get().draft_answers["smoking"]
    assert draft["smoked_last_7_days"] == "no"
    assert draft["cigarettes_last_7_days"] is None


def test_smoking_since_two_weeks_after_the_quit_date_is_asked_and_checked(client, site_a, pwp_a):
    participant, _ = participant_with_open_month3(site_a, pwp_a)
    quit_date = timezone.localdate() - timedelta(days=30)
    set_quit_date(participant=participant, quit_date=quit_date)
    week4 = participant.follow_ups.get(timepoint="week4")
    _, token = links.create_questionnaire_link(follow_up=week4, created_by=None)
    since = quit_date + timedelta(days=14)

    page = client.get(_url(token, "smoking")).content.decode()
    assert f"Have you smoked at all since {since.day} {since:%B %Y}, even a puff?" in page
    contradiction = client.post(_url(token, "smoking"), {**SMOKING_OK, "smoked_since_day_14": "no"})
    assert "Check if you have smoked in the last 7 days" in contradiction.content.decode()

    _answer_all(
        client,
        token,
        smoking={
            **SMOKING_OK,
            "smoked_since_day_14": "yes",
            "cigarettes_since_day_14": "40",
        },
    )
    client.post(_url(token, "check"))
    report = SmokingStatusReport.objects.get(participant=participant)
    assert report.timepoint == "week4"
    assert report.smoke_free_since_day_14 is False
    assert report.cigarettes_since_day_14 == 40


def test_link_pages_are_rate_limited_per_client(client, opened, settings):
    settings.PATIENT_LINK_RATE_LIMIT = "3/m"
    _, _, token = opened
    address = {"REMOTE_ADDR": f"203.0.113.{timezone.now().microsecond % 250}"}
    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        codes = [client.get(_url(token), **address).status_code for _ in range(4)]
        other = client.get(_url(token), REMOTE_ADDR="198.51.100.7").status_code
        limited = client.get(_url(token), **address)
    assert codes == [200, 200, 200, 429]
    assert other == 200
    assert int(limited["Retry-After"]) > 0
    assert limited["Referrer-Policy"] == "no-referrer"


def test_guessing_tokens_is_rate_limited_too(client, opened, settings):
    settings.PATIENT_LINK_RATE_LIMIT = "2/m"
    address = {"REMOTE_ADDR": "192.0.2.77"}
    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        codes = [client.get(f"/q/guess{i}/", **address).status_code for i in range(3)]
    assert codes == [404, 404, 429]


def test_posts_need_the_csrf_token_even_though_no_referrer_hides_the_origin(opened):
    """Browsers send `Origin: null` and no Referer under no-referrer; the token still counts."""
    from django.test import Client

    _, _, token = opened
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(_url(token, "phq9"))
    csrf = page.context["csrf_token"]
    no_token = browser.post(_url(token, "phq9"), PHQ9_OK, HTTP_ORIGIN="null")
    assert no_token.status_code == 403
    assert QuestionnaireLink.objects.get().draft_answers == {}
    secure = {"HTTP_ORIGIN": "null", "secure": True}
    ok = browser.post(_url(token, "phq9"), {**PHQ9_OK, "csrfmiddlewaretoken": str(csrf)}, **secure)
    assert ok.status_code == 302
    assert QuestionnaireLink.objects.get().draft_answers["phq9"]["item1"] == 1
    forged = browser.post(
        _url(token, "gad7"), GAD7_OK, HTTP_ORIGIN="https://evil.example", secure=True
    )
    assert forged.status_code == 403


@pytest.mark.parametrize("page", ["", "phq9", "gad7", "smoking"])
def test_patient_pages_cost_one_query(client, opened, page, django_assert_num_queries):
    _, _, token = opened
    # The link, with its follow-up and participant; the pilot, for the study team's phone.
    with django_assert_num_queries(2):
        assert client.get(_url(token, page)).status_code == 200


@pytest.mark.parametrize("page", ["", "phq9", "gad7", "smoking", "check"])
def test_patient_pages_give_the_study_team_phone_number(client, opened, page):
    _, _, token = opened
    _answer_all(client, token)
    set_study_team_phone(phone="0117  496 0123")
    body = client.get(_url(token, page)).content.decode()
    assert (
        'Call the study team on <a class="nhsuk-link" href="tel:01174960123">0117 496 0123</a>'
        in body
    )


def test_a_link_that_does_not_work_still_gives_the_study_team_phone_number(client, opened):
    set_study_team_phone(phone="+44 117 496 0123")
    body = client.get(f"/q/{'x' * 43}/").content.decode()
    assert 'href="tel:+441174960123">+44 117 496 0123</a>' in body


def test_without_a_phone_number_the_pages_point_to_the_information_sheet(client, opened):
    _, _, token = opened
    body = client.get(_url(token)).content.decode()
    assert "Call the study team" not in body
    assert "details on your participant information sheet" in body


@pytest.mark.parametrize("phone", ["call us", "0117", "0117 496 0123 ext 4"])
def test_a_study_team_phone_that_is_not_a_number_is_refused(db, phone):
    with pytest.raises(ValidationError):
        set_study_team_phone(phone=phone)
    assert get_pilot().study_team_phone == ""
