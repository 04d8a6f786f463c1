"""What a patient's answers on a questionnaire link do: drafts, risk answers, submission.

Separate from questionnaire_links.py (creating, finding and expiring links), which the
reminders use: this module records measures through the outcome services, so the reminders
never depend on it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.clinical import questionnaire_content as content
from apps.core.errors import DomainError
from apps.outcomes.models import PHQ9Response, Source, Timepoint
from apps.outcomes.selectors import known_reference_quit_date
from apps.outcomes.services import (
    note_draft_item9,
    record_gad7,
    record_phq9,
    record_smoking_status,
)
from apps.reminders.models import FollowUp, QuestionnaireLink
from apps.reminders.questionnaire_links import link_problem


def save_draft(*, link: QuestionnaireLink, section: str, answers: dict) -> QuestionnaireLink:
    """Keep one page's validated answers on the link so the patient can stop and come back.

    A PHQ-9 page whose item 9 is above 0 raises the safety alert now, in the same transaction:
    the patient may close the page and never submit.
    """
    with transaction.atomic():
        locked = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
        draft = dict(locked.draft_answers or {})
        draft[section] = answers
        locked.draft_answers = draft
        locked.save(update_fields=["draft_answers", "updated_at"])
        item9 = draft_item9(locked.draft_answers)
        if section == content.PHQ9 and item9 is not None:
            note_draft_item9(link=locked, item9=item9)
    link.draft_answers = locked.draft_answers
    return link


def draft_item9(draft_answers: dict | None) -> int | None:
    """The PHQ-9 item 9 answer on a draft, or None when that page is not saved yet."""
    value = ((draft_answers or {}).get("phq9") or {}).get("item9")
    return None if value is None else int(value)


class LinkUnavailable(DomainError):
    """The link cannot be used (unknown, expired, used, not open yet); `problem` says which."""

    def __init__(self, problem: str) -> None:
        super().__init__("This questionnaire link cannot be used.", field="link", code=problem)
        self.problem = problem


# A link sent this recently shows the confirmation again (a double click on "Send answers", a
# reload): the same page as the first submit, urgent-support card included.
CONFIRMATION_WINDOW = timedelta(minutes=15)


def recently_submitted(used_at: datetime | None, now: datetime) -> bool:
    """Whether answers sent at `used_at` are recent enough to show the confirmation again."""
    return used_at is not None and timedelta(0) <= now - used_at <= CONFIRMATION_WINDOW


def shows_urgent_support(phq9: PHQ9Response) -> bool:
    """Whether the card shows for a stored PHQ-9: its scored risk, or an alert raised on the
    way (a risk answer on the draft, changed before sending, still raised one)."""
    return phq9.risk or hasattr(phq9, "safety_alert")


def submitted_with_urgent_support(link: QuestionnaireLink) -> bool:
    """Whether the answers sent through the link call for the urgent-support card."""
    if link.used_at is None:
        return False
    phq9 = (
        PHQ9Response.objects.filter(follow_up_id=link.follow_up_id, source=Source.ONLINE)
        .select_related("safety_alert")
        .order_by("-id")
        .first()
    )
    return phq9 is not None and shows_urgent_support(phq9)


@dataclass(frozen=True)
class Submission:
    """What the confirmation page needs: whether urgent-support signposting must show."""

    link: QuestionnaireLink
    phq9_risk: bool


def smoking_context(link: QuestionnaireLink) -> dict:
    """What the smoking page asks depends on: the reference quit date known so far and the
    follow-up's timepoint (read once per link object)."""
    cached = getattr(link, "_smoking_context", None)
    if cached is None:
        timepoint = link.follow_up.timepoint if link.follow_up_id else ""
        participant = link.participant
        # Before 6 months only a session quit date can be known: no stop date is asked earlier.
        needs_reports = timepoint == Timepoint.MONTH6 and participant.quit_date is None
        cached = {
            "quit_date": (
                known_reference_quit_date(participant) if needs_reports else participant.quit_date
            ),
            "timepoint": timepoint,
        }
        link._smoking_context = cached
    return cached


@transaction.atomic
def submit_questionnaire(*, link: QuestionnaireLink, today: date | None = None) -> Submission:
    """Store PHQ-9, GAD-7 and smoking status from the draft at once; complete the follow-up.

    Scores come from the outcome services; the follow-up completes and its pending reminders
    are cancelled in this same transaction, and the link is marked used.
    """
    # Lock order link -> follow-up -> reminders; the dispatcher takes follow-up -> reminder.
    link = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    follow_up = FollowUp.objects.select_for_update().get(pk=link.follow_up_id)
    link.follow_up = follow_up
    problem = link_problem(link)
    if problem is not None:
        raise LinkUnavailable(problem)
    participant = follow_up.participant
    today = today or timezone.localdate()
    try:
        answers = content.complete_answers(link.draft_answers, today=today, **smoking_context(link))
    except content.DraftError as exc:
        raise DomainError(exc.message, field=exc.section) from exc
    common = {
        "participant": participant,
        "completed_on": today,
        "timepoint": follow_up.timepoint,
        "source": Source.ONLINE,
        "follow_up": follow_up,
        "today": today,
    }
    phq9 = record_phq9(
        items=answers.phq9,
        difficulty=answers.phq9_difficulty,
        questionnaire_link=link,
        **common,
    )
    record_gad7(items=answers.gad7, **common)
    smoking = answers.smoking
    record_smoking_status(
        smoked_last_7_days=smoking.smoked_last_7_days,
        cigarettes_last_7_days=smoking.cigarettes_last_7_days,
        smoke_free_since_day_14=smoking.smoke_free_since_day_14,
        cigarettes_since_day_14=smoking.cigarettes_since_day_14,
        stopped_on=smoking.stopped_on,
        cigarettes_per_day=smoking.cigarettes_per_day,
        minutes_to_first_cigarette=smoking.minutes_to_first_cigarette,
        quit_attempt_since_last_contact=smoking.quit_attempt_since_last_contact,
        uses_e_cigarette=smoking.uses_e_cigarette,
        uses_stop_smoking_medication=smoking.uses_stop_smoking_medication,
        **common,
    )
    link.used_at = timezone.now()
    link.draft_answers = {}
    link.save(update_fields=["used_at", "draft_answers", "updated_at"])
    return Submission(link=link, phq9_risk=shows_urgent_support(phq9))
