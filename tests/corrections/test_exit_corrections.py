"""Correcting a withdrawal or loss to follow-up: date, reason and details, with a reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.tokens import issue_token
from apps.core.errors import DomainError
from apps.corrections.models import Correction
from apps.corrections.rules import Reason
from apps.journey.corrections import correct_exit
from apps.journey.services import withdraw_participant
from apps.patients.models import Participant
from apps.patients.services import mark_lost_to_follow_up
from apps.reminders.models import FollowUp

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
WRONG_BOX = Reason("entry_error", "Ticked the wrong reason on the form.")


@pytest.fixture
def withdrawn(participant_a):
    return withdraw_participant(
        participant=participant_a, on=TODAY() - dt.timedelta(days=2), reason="moved_away"
    )


def test_a_withdrawal_is_corrected_and_each_changed_field_logged(withdrawn, pwp_a):
    stopped = set(FollowUp.objects.filter(participant=withdrawn).values_list("status", flat=True))
    corrected = correct_exit(
        participant=withdrawn,
        by=pwp_a,
        exit_on=TODAY() - dt.timedelta(days=3),
        exit_reason="participant_choice",
        exit_reason_detail="  Wants to stop on her own.  ",
        reason=WRONG_BOX,
    )
    assert (corrected.status, corrected.exit_reason) == ("withdrawn", "participant_choice")
    assert corrected.exit_reason_detail == "Wants to stop on her own."
    logged = {c.field: (c.old_value, c.new_value) for c in Correction.objects.all()}
    assert logged["exit_reason"] == ("moved_away", "participant_choice")
    assert set(logged) == {"exit_on", "exit_reason", "exit_reason_detail"}
    assert {c.record_type for c in Correction.objects.all()} == {"exit"}
    # The withdrawal stands: its stopped follow-ups stay stopped.
    assert set(FollowUp.objects.filter(participant=withdrawn).values_list("status", flat=True)) == (
        stopped
    )


def test_a_bad_exit_correction_names_every_field_and_changes_nothing(withdrawn, pwp_a):
    with pytest.raises(DomainError) as error:
        correct_exit(
            participant=withdrawn,
            by=pwp_a,
            exit_on=TODAY() + dt.timedelta(days=1),
            exit_reason="bored",
            reason=Reason(""),
        )
    assert {e.field for e in error.value.errors} == {"reason", "exit_on", "exit_reason"}
    assert Participant.objects.get(pk=withdrawn.pk).exit_reason == "moved_away"
    assert not Correction.objects.exists()


def test_only_a_participant_who_left_has_an_exit_to_correct(participant_a, pwp_a):
    with pytest.raises(DomainError, match="has not withdrawn"):
        correct_exit(
            participant=participant_a,
            by=pwp_a,
            exit_on=TODAY(),
            exit_reason="other",
            reason=WRONG_BOX,
        )


def test_a_loss_to_follow_up_is_corrected_from_the_participant_page(client, participant_a, pwp_a):
    lost = mark_lost_to_follow_up(participant=participant_a, on=TODAY(), reason="uncontactable")
    client.force_login(pwp_a)
    detail = reverse("participant-detail", args=[lost.public_id])
    url = reverse("participant-exit-correct", args=[lost.public_id])
    assert url in client.get(detail).content.decode()
    refused = client.post(url, {"exit_on": "", "exit_reason": "moved_untraceable"})
    assert refused.status_code == 200
    assert set(refused.context["form"].errors) == {"exit_on", "reason"}
    done = client.post(
        url,
        {"exit_on": TODAY().isoformat(), "exit_reason": "moved_untraceable",
         "reason": "late_information", "reason_detail": "GP letter: moved abroad."},
    )  # fmt: skip
    assert done.status_code == 302
    page = client.get(detail).content.decode()
    assert f"Lost to follow-up corrected for {lost.trial_id}." in page
    assert "Moved to an address where they cannot be traced" in page


def test_the_api_corrects_an_exit_and_another_site_gets_404(withdrawn, pwp_a, pwp_b):
    url = f"/api/v1/participants/{withdrawn.trial_id}/exit/"
    body = {"exit_on": str(TODAY()), "exit_reason": "clinical_decision", "reason": "source_differs"}

    def api(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user).key}")
        return client

    assert api(pwp_b).patch(url, body, format="json").status_code == 404
    refused = api(pwp_a).patch(url, {**body, "reason": ""}, format="json")
    assert refused.status_code == 400
    done = api(pwp_a).patch(url, body, format="json")
    assert done.status_code == 200, done.json()
    assert Participant.objects.get(pk=withdrawn.pk).exit_reason == "clinical_decision"
