"""Questionnaire links: hashed tokens, bound to one follow-up, usable only while it is open."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.core.errors import DomainError
from apps.reminders import questionnaire_links as links
from apps.reminders.models import FollowUpStatus, QuestionnaireLink

pytestmark = pytest.mark.django_db


def _month3(participant):
    return participant.follow_ups.get(timepoint="month3")


def _inside_window(follow_up):
    return time_machine.travel(
        timezone.make_aware(
            timezone.datetime.combine(follow_up.due_on, timezone.datetime.min.time())
        ).replace(hour=12),
        tick=False,
    )


def test_link_stores_only_the_sha256_of_a_32_byte_url_safe_token(participant_a):
    follow_up = _month3(participant_a)
    with _inside_window(follow_up):
        link, raw = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    assert len(raw) == 43  # token_urlsafe(32): 32 bytes, base64url without padding
    assert link.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(QuestionnaireLink.objects.filter(pk=link.pk).values().get())
    assert link.participant_id == participant_a.pk
    assert link.follow_up_id == follow_up.pk
    assert link.expires_at == links.link_expiry(follow_up.closes_on)


def test_questionnaire_url_is_absolute_under_q(participant_a, settings):
    settings.SITE_URL = "https://quitpilot.example.nhs.uk/"
    assert (
        links.questionnaire_url("abc_DEF-123") == "https://quitpilot.example.nhs.uk/q/abc_DEF-123/"
    )


def test_two_links_for_one_follow_up_have_different_tokens(participant_a):
    follow_up = _month3(participant_a)
    with _inside_window(follow_up):
        _, first = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
        _, second = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    assert first != second


def test_link_cannot_be_made_before_the_window_opens(participant_a):
    follow_up = _month3(participant_a)
    with pytest.raises(DomainError, match="window opens on") as exc:
        links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    assert exc.value.field == "follow_up"
    assert not QuestionnaireLink.objects.exists()


@pytest.mark.parametrize(
    "status", [FollowUpStatus.COMPLETED, FollowUpStatus.CANCELLED, FollowUpStatus.MISSED]
)
def test_link_cannot_be_made_for_a_closed_follow_up(participant_a, status):
    follow_up = _month3(participant_a)
    follow_up.status = status
    follow_up.completed_at = timezone.now()
    follow_up.save()
    with _inside_window(follow_up), pytest.raises(DomainError, match="no longer"):
        links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    assert not QuestionnaireLink.objects.exists()


def test_find_link_answers_unknown_for_a_token_never_issued(participant_a):
    lookup = links.find_link("not-a-real-token")
    assert lookup.link is None
    assert lookup.problem == links.UNKNOWN


def test_link_works_inside_the_window_and_expires_after_it_closes(participant_a):
    follow_up = _month3(participant_a)
    with _inside_window(follow_up):
        _, raw = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
        assert links.find_link(raw).usable
    last_minute = links.link_expiry(follow_up.closes_on) - timedelta(minutes=1)
    with time_machine.travel(last_minute, tick=False):
        assert links.find_link(raw).usable
    with time_machine.travel(last_minute + timedelta(minutes=2), tick=False):
        assert links.find_link(raw).problem == links.EXPIRED


def test_link_stops_working_when_the_follow_up_is_completed_another_way(participant_a):
    follow_up = _month3(participant_a)
    with _inside_window(follow_up):
        _, raw = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
        from apps.reminders.services import complete_follow_up

        complete_follow_up(follow_up=follow_up)
        assert links.find_link(raw).problem == links.USED


def test_link_stops_working_when_the_participant_withdraws(participant_a):
    from apps.journey.services import withdraw_participant

    follow_up = _month3(participant_a)
    with _inside_window(follow_up):
        _, raw = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
        withdraw_participant(
            participant=participant_a, on=timezone.localdate(), reason="participant_choice"
        )
        assert links.find_link(raw).problem == links.EXPIRED


def test_link_expiry_follows_the_window_when_the_quit_date_moves(participant_a):
    from apps.journey.services import set_quit_date

    set_quit_date(participant=participant_a, quit_date=participant_a.randomised_on)
    week4 = participant_a.follow_ups.get(timepoint="week4")
    with _inside_window(week4):
        link, raw = links.create_questionnaire_link(follow_up=week4, created_by=None)
    set_quit_date(
        participant=participant_a, quit_date=participant_a.randomised_on + timedelta(days=5)
    )
    week4.refresh_from_db()
    link.refresh_from_db()
    assert link.expires_at == links.link_expiry(week4.closes_on)


def test_batch_links_skip_follow_ups_that_take_no_links(participant_a):
    month3 = _month3(participant_a)
    month6 = participant_a.follow_ups.get(timepoint="month6")
    with _inside_window(month3):
        tokens = links.create_questionnaire_links(follow_ups=[month3, month6, month3])
        assert tokens[1] is None  # the 6-month window is not open yet
        assert tokens[0] != tokens[2]
        assert all(links.find_link(t).usable for t in (tokens[0], tokens[2]))
    assert QuestionnaireLink.objects.filter(follow_up=month3).count() == 2
    assert not QuestionnaireLink.objects.filter(follow_up=month6).exists()
