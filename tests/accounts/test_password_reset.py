"""Password reset: a one-use link for an hour, sent by a Celery worker, a few per address and
client an hour, and the same page whatever the address."""

import datetime as dt
import re
import time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts import reset_limits, tasks
from tests.factories import PASSWORD

RESET = "/accounts/password_reset/"
DONE = reverse("password_reset_done")
NEW = "another-long-passphrase-77"


def reset_link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)


def test_password_reset_emails_a_single_use_link_that_sets_a_new_password(
    client, pwp_a, ask_for_reset, settings
):
    response = ask_for_reset(pwp_a.email)
    assert response.status_code == 302 and response.url == DONE
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [pwp_a.email]
    assert settings.SITE_URL in mail.outbox[0].body
    link = reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    assert client.post(set_url, {"new_password1": NEW, "new_password2": NEW}).status_code == 302
    pwp_a.refresh_from_db()
    assert pwp_a.check_password(NEW)
    reused = client.get(link, follow=True)
    assert "This link no longer works" in reused.content.decode()


def test_a_reset_link_works_for_one_hour_only(client, pwp_a, ask_for_reset, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    asked_at = timezone.now()
    with time_machine.travel(asked_at, tick=False):
        ask_for_reset(pwp_a.email)
    link = reset_link(mail.outbox[0])
    with time_machine.travel(asked_at + dt.timedelta(minutes=61), tick=False):
        late = client.get(link, follow=True)
    assert "This link no longer works" in late.content.decode()
    pwp_a.refresh_from_db()
    assert pwp_a.check_password(PASSWORD)


def test_the_page_never_sends_the_email_itself_it_queues_the_task(client, pwp_a, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", queued.append)
    known = client.post(RESET, {"email": pwp_a.email.upper()})
    unknown = client.post(RESET, {"email": "nobody@nhs.test"})
    assert mail.outbox == []
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, DONE)


def test_the_task_is_queued_with_the_user_id_only_once_the_request_commits(
    client, pwp_a, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": pwp_a.email})
        client.post(RESET, {"email": "nobody@nhs.test"})
    assert queued == [pwp_a.pk]


def test_an_unknown_address_sends_nothing_and_gets_the_same_page(client, db, ask_for_reset):
    response = ask_for_reset("nobody@nhs.test")
    assert (response.status_code, response.url) == (302, DONE)
    assert mail.outbox == []


def test_the_fourth_reset_for_one_address_in_the_hour_sends_nothing_but_looks_the_same(
    pwp_a, ask_for_reset
):
    answers = [ask_for_reset(pwp_a.email, REMOTE_ADDR=f"198.51.100.{n}") for n in range(4)]
    assert [(a.status_code, a.url) for a in answers] == [(302, DONE)] * 4
    assert len(mail.outbox) == 3


def test_the_address_limit_opens_again_after_the_hour(pwp_a, ask_for_reset):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            ask_for_reset(pwp_a.email)
    with time_machine.travel(start + dt.timedelta(hours=1, minutes=1), tick=False):
        ask_for_reset(pwp_a.email)
    assert len(mail.outbox) == 4


def test_one_client_asking_for_many_addresses_is_limited(cast, ask_for_reset, settings):
    settings.PASSWORD_RESET_RATE_PER_CLIENT = "3/h"
    emails = [user.email for user in cast.values() if user is not None][:4]
    answers = [ask_for_reset(email, REMOTE_ADDR="203.0.113.9") for email in emails]
    assert [a.url for a in answers] == [DONE] * 4
    assert len(mail.outbox) == 3
    # Another client may still ask for the last address.
    ask_for_reset(emails[-1], REMOTE_ADDR="203.0.113.10")
    assert len(mail.outbox) == 4


def test_a_forged_forwarded_for_header_does_not_dodge_the_client_limit(
    cast, ask_for_reset, settings
):
    settings.PASSWORD_RESET_RATE_PER_CLIENT = "2/h"
    emails = [user.email for user in cast.values() if user is not None][:3]
    for n, email in enumerate(emails):
        ask_for_reset(email, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert len(mail.outbox) == 2


def test_with_redis_down_each_process_still_counts(pwp_a, ask_for_reset, monkeypatch):
    monkeypatch.setattr(reset_limits, "count_request", lambda *args, **kwargs: None)
    answers = [ask_for_reset(pwp_a.email) for _ in range(4)]
    assert [a.url for a in answers] == [DONE] * 4
    assert len(mail.outbox) == 3


def test_an_inactive_account_gets_no_email(pwp_a, ask_for_reset):
    pwp_a.is_active = False
    pwp_a.save()
    assert ask_for_reset(pwp_a.email).url == DONE
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_sends_the_reset_email(client, celery_worker_real, site_a):
    from tests.factories import UserFactory

    user = UserFactory(email="reset.me@nhs.test", site=site_a)
    response = client.post(RESET, {"email": user.email})
    assert response.url == DONE
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "/accounts/reset/" in mail.outbox[0].body
