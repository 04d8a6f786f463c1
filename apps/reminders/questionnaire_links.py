"""Questionnaire links: one participant, one follow-up, only the SHA-256 of the token stored.

A link works while its follow-up's window is open and until the questionnaire is submitted.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import DomainError
from apps.reminders.models import QuestionnaireLink

TOKEN_BYTES = 32

# Why a link cannot be used; the patient's page words each one plainly.
UNKNOWN = "unknown"
EXPIRED = "expired"
USED = "used"
NOT_OPEN = "not_open"

_CLOSED_FOLLOW_UP = ("completed", "cancelled", "missed")


def hash_token(raw_token: str) -> str:
    """The SHA-256 hex digest stored in place of the token."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def link_expiry(closes_on: date) -> datetime:
    """The moment a link for a window closing on `closes_on` stops working (end of that day)."""
    return timezone.make_aware(datetime.combine(closes_on + timedelta(days=1), time.min))


def questionnaire_url(raw_token: str) -> str:
    """The absolute URL a patient opens (SITE_URL + /q/<token>/)."""
    path = reverse("questionnaire:start", args=[raw_token])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def follow_up_accepts_links(follow_up, today: date | None = None) -> bool:
    """Whether a link may be made for the follow-up today: window open, not done or cancelled."""
    today = today or timezone.localdate()
    return (
        follow_up.status not in _CLOSED_FOLLOW_UP
        and follow_up.opens_on <= today <= follow_up.closes_on
    )


@transaction.atomic
def create_questionnaire_link(*, follow_up, created_by=None) -> tuple[QuestionnaireLink, str]:
    """Make a fresh link for the follow-up; returns the link and the raw token (shown once)."""
    today = timezone.localdate()
    if follow_up.status in _CLOSED_FOLLOW_UP:
        raise DomainError(
            f"This follow-up is {follow_up.get_status_display().lower()}: "
            "a questionnaire link can no longer be made.",
            field="follow_up",
        )
    if today < follow_up.opens_on:
        raise DomainError(
            f"The follow-up window opens on {follow_up.opens_on:%d %B %Y}: "
            "a questionnaire link can be made from then.",
            field="follow_up",
        )
    if today > follow_up.closes_on:
        raise DomainError(
            f"The follow-up window closed on {follow_up.closes_on:%d %B %Y}.", field="follow_up"
        )
    raw_token = secrets.token_urlsafe(TOKEN_BYTES)
    link = QuestionnaireLink.objects.create(
        token_hash=hash_token(raw_token),
        participant_id=follow_up.participant_id,
        follow_up=follow_up,
        expires_at=link_expiry(follow_up.closes_on),
        created_by=created_by,
    )
    return link, raw_token


@transaction.atomic
def create_questionnaire_links(*, follow_ups: list) -> list[str | None]:
    """Make one fresh link per follow-up in one insert (the dispatcher's batch path).

    Returns the raw tokens in the same order; None where the follow-up takes no links today.
    """
    today = timezone.localdate()
    tokens: list[str | None] = []
    rows = []
    for follow_up in follow_ups:
        if not follow_up_accepts_links(follow_up, today):
            tokens.append(None)
            continue
        raw_token = secrets.token_urlsafe(TOKEN_BYTES)
        tokens.append(raw_token)
        rows.append(
            QuestionnaireLink(
                token_hash=hash_token(raw_token),
                participant_id=follow_up.participant_id,
                follow_up=follow_up,
                expires_at=link_expiry(follow_up.closes_on),
            )
        )
    QuestionnaireLink.objects.bulk_create(rows)
    return tokens


@dataclass(frozen=True)
class LinkLookup:
    """The outcome of opening a link: the link when usable, else why not."""

    link: QuestionnaireLink | None
    problem: str | None

    @property
    def usable(self) -> bool:
        """Whether the patient may answer and submit through this link."""
        return self.problem is None


def link_problem(link: QuestionnaireLink, now: datetime | None = None) -> str | None:
    """Why the (found) link cannot be used now, or None when it can."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    follow_up = link.follow_up
    if link.used_at is not None or follow_up.status == "completed":
        return USED
    if link.revoked_at is not None or follow_up.status in ("cancelled", "missed"):
        return EXPIRED
    if now >= link.expires_at or today > follow_up.closes_on:
        return EXPIRED
    if today < follow_up.opens_on:
        return NOT_OPEN
    return None


def find_link(raw_token: str) -> LinkLookup:
    """Look a raw token up by its hash; the answer says whether it can be used now."""
    if not raw_token or len(raw_token) > 100:
        return LinkLookup(None, UNKNOWN)
    links = QuestionnaireLink.objects.select_related("follow_up", "participant__site")
    link = links.filter(token_hash=hash_token(raw_token)).first()
    if link is None:
        return LinkLookup(None, UNKNOWN)
    return LinkLookup(link, link_problem(link))
