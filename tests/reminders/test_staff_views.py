"""Staff actions on follow-ups: scoped to visible participants, writes only for clinical staff."""

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from apps.journey.services import update_contact_details
from apps.reminders.models import QuestionnaireLink, Reminder, ReminderKind, ReminderStatus

pytestmark = pytest.mark.django_db

ALLOWED = {"pwp_same_site": 302, "site_lead": 302}
REFUSED = {
    "anonymous": 302,  # to the sign-in page
    "pwp_other_site": 404,
    "advisor": 403,
    "trial_manager": 403,
    "data_manager": 403,
}


def _client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _state():
    return (
        sorted(Reminder.objects.values_list("id", "status", "done_at")),
        QuestionnaireLink.objects.count(),
    )


@pytest.mark.parametrize("role", [*ALLOWED, *REFUSED])
def test_send_link_access_matrix(client, cast, open_month3, role):
    _, follow_up = open_month3
    before = _state()
    response = _client_for(client, cast[role]).post(
        f"/follow-ups/{follow_up.public_id}/send-link/", {"channel": "email"}
    )
    expected = {**ALLOWED, **REFUSED}[role]
    assert response.status_code == expected
    if role in ALLOWED:
        manual = Reminder.objects.get(kind=ReminderKind.MANUAL)
        assert manual.requested_by == cast[role]
        assert manual.status == ReminderStatus.PENDING
    else:
        assert _state() == before
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [*ALLOWED, *REFUSED])
def test_open_on_tablet_access_matrix(client, cast, open_month3, role):
    _, follow_up = open_month3
    before = _state()
    response = _client_for(client, cast[role]).post(f"/follow-ups/{follow_up.public_id}/tablet/")
    assert response.status_code == {**ALLOWED, **REFUSED}[role]
    if role in ALLOWED:
        link = QuestionnaireLink.objects.get()
        assert link.created_by == cast[role]
        assert response["Location"].startswith("/q/")
        # The tablet is handed over signed out: no staff page is reachable from it.
        assert "_auth_user_id" not in client.session
        assert client.get("/caseload/")["Location"].startswith("/accounts/login/")
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "Start now" in page.content.decode()
    else:
        assert _state() == before


@pytest.mark.parametrize("role", [*ALLOWED, *REFUSED])
def test_mark_phone_task_done_access_matrix(client, cast, open_month3, role):
    _, follow_up = open_month3
    task = Reminder.objects.get(follow_up=follow_up, kind=ReminderKind.ESCALATION)
    Reminder.objects.filter(pk=task.pk).update(status=ReminderStatus.SENT, sent_at=timezone.now())
    before = _state()
    response = _client_for(client, cast[role]).post(f"/follow-ups/{follow_up.public_id}/task-done/")
    assert response.status_code == {**ALLOWED, **REFUSED}[role]
    task.refresh_from_db()
    if role in ALLOWED:
        assert task.done_at is not None
        assert task.done_by == cast[role]
    else:
        assert _state() == before


def test_staff_actions_refuse_get(client, pwp_a, open_month3):
    _, follow_up = open_month3
    client.force_login(pwp_a)
    for action in ("send-link", "tablet", "task-done"):
        assert client.get(f"/follow-ups/{follow_up.public_id}/{action}/").status_code == 405


def test_unknown_follow_up_is_404(client, pwp_a, open_month3):
    client.force_login(pwp_a)
    response = client.post(
        "/follow-ups/00000000-0000-0000-0000-000000000000/send-link/", {"channel": "email"}
    )
    assert response.status_code == 404


def test_refused_send_says_why_and_stores_nothing(client, pwp_a, open_month3):
    participant, follow_up = open_month3
    update_contact_details(
        participant=participant,
        email="patient@example.test",
        mobile="",
        preferred_channel="email",
        consent_to_contact=False,
    )
    client.force_login(pwp_a)
    response = client.post(
        f"/follow-ups/{follow_up.public_id}/send-link/", {"channel": "sms", "next": "/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Link not sent: The participant has not agreed to be contacted."
    ]
    assert not Reminder.objects.filter(kind=ReminderKind.MANUAL).exists()


def test_redirect_back_ignores_another_site(client, pwp_a, open_month3):
    _, follow_up = open_month3
    client.force_login(pwp_a)
    response = client.post(
        f"/follow-ups/{follow_up.public_id}/send-link/",
        {"channel": "email", "next": "https://evil.example/"},
    )
    assert "evil.example" not in response["Location"]


def _render_follow_ups(user, follow_ups, **extra):
    request = RequestFactory().get("/participants/x/")
    request.user = user
    return render_to_string(
        "reminders/_participant_follow_ups.html",
        {"follow_ups": follow_ups, "user": user, **extra},
        request=request,
    )


def test_follow_up_include_offers_only_the_channels_the_participant_has(open_month3, pwp_a):
    participant, _ = open_month3
    follow_ups = list(participant.follow_ups.order_by("due_on"))
    contact = participant.contact_details  # email only
    html = _render_follow_ups(pwp_a, follow_ups, contact=contact)
    assert "Send link now by email" in html
    assert "Send link now by text" not in html
    assert "Open on clinic tablet" in html


def test_follow_up_include_offers_actions_only_to_clinical_staff_and_open_windows(
    open_month3, pwp_a, trial_manager, django_assert_num_queries
):
    participant, _ = open_month3
    follow_ups = list(participant.follow_ups.order_by("due_on"))
    with django_assert_num_queries(0):
        html = _render_follow_ups(pwp_a, follow_ups)
    assert html.count("Send link now by email") == 1  # month3 is open, month6 not yet
    assert html.count("Send link now by text") == 1
    assert html.count("Open on clinic tablet") == 1
    assert "Not available" in html
    month3 = next(f for f in follow_ups if f.timepoint == "month3")
    assert f"/follow-ups/{month3.public_id}/send-link/" in html

    as_manager = _render_follow_ups(trial_manager, follow_ups)
    assert "Send link now" not in as_manager
    assert "Open on clinic tablet" not in as_manager
    assert "3-month follow-up" in as_manager


def test_my_tasks_tag_lists_open_phone_tasks_in_one_query(
    open_month3, pwp_a, pwp_b, django_assert_num_queries
):
    participant, follow_up = open_month3
    Reminder.objects.filter(follow_up=follow_up, kind=ReminderKind.ESCALATION).update(
        status=ReminderStatus.SENT, sent_at=timezone.now(), assigned_to=pwp_a
    )
    template = Template("{% load reminders_tags %}{% my_tasks %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"user": pwp_a, "csrf_token": "t"}))
    assert participant.trial_id in html
    assert "Mark call done" in html
    assert f"/follow-ups/{follow_up.public_id}/task-done/" in html
    other = template.render(Context({"user": pwp_b, "csrf_token": "t"}))
    assert participant.trial_id not in other
    assert "No follow-up calls to make." in other


def test_tablet_questionnaire_uses_the_patient_layout_not_the_staff_one(client, pwp_a, open_month3):
    _, follow_up = open_month3
    client.force_login(pwp_a)
    response = client.post(f"/follow-ups/{follow_up.public_id}/tablet/", follow=True)
    body = response.content.decode()
    assert "nhsuk-header" in body
    assert pwp_a.email not in body  # no staff navigation or identity on the patient's page
    assert "Sign out" not in body
