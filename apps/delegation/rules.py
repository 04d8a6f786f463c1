"""The delegation log's rules as pure functions: is a duty delegated on a date, what is wrong with
a new delegation or training record, and whether a certificate is expiring."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# A certificate is shown to its holder and their site lead this many days before it expires.
EXPIRY_NOTICE_DAYS = 30
REFERENCE_MAX_LENGTH = 100


@dataclass(frozen=True)
class Period:
    """When a delegation holds: from `starts_on`, to `ends_on` inclusive (None: open)."""

    starts_on: date
    ends_on: date | None = None

    def covers(self, day: date) -> bool:
        """Whether the delegation holds on the day."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share a day."""
        return (other.ends_on is None or self.starts_on <= other.ends_on) and (
            self.ends_on is None or other.starts_on <= self.ends_on
        )


def delegated_on(periods: Iterable[Period], day: date) -> bool:
    """Whether any of the duty's delegations holds on the day."""
    return any(period.covers(day) for period in periods)


def not_delegated_message(who: str, duty_label: str, site_name: str, day: date) -> str:
    """The refusal a service gives, naming the duty, the site and the date."""
    return (
        f"{who} is not delegated to {duty_label[0].lower()}{duty_label[1:]} at {site_name} on "
        f"{day:%-d %b %Y}: the site lead adds the duty to the delegation log first."
    )


def delegation_problems(
    *,
    duties: list[str],
    period: Period,
    existing: dict[str, list[Period]],
    duty_labels: dict[str, str],
    authoriser_is_delegate: bool,
) -> dict[str, str]:
    """What is wrong with delegating these duties for this period, by field (empty when fine).

    `existing` holds the person's delegations at the site, by duty: a duty may not be
    delegated twice over the same days.
    """
    problems: dict[str, str] = {}
    if not duties:
        problems["duties"] = "Choose at least one duty to delegate."
    unknown = [d for d in duties if d not in duty_labels]
    if unknown:
        problems["duties"] = f"Not a duty of the trial: {', '.join(unknown)}."
    if period.ends_on is not None and period.ends_on < period.starts_on:
        problems["ends_on"] = "The end date cannot be before the start date."
    elif not unknown:
        twice = [
            duty_labels[d]
            for d in duties
            if any(period.overlaps(held) for held in existing.get(d, []))
        ]
        if twice:
            problems["duties"] = (
                f"Already delegated over some of these dates: {', '.join(twice)}. End the "
                "current delegation first."
            )
    if authoriser_is_delegate:
        problems["user"] = (
            "Nobody authorises their own delegation: another site lead or a trial manager does."
        )
    return problems


def end_problems(period: Period, ends_on: date | None) -> dict[str, str]:
    """What is wrong with ending a delegation on `ends_on`, by field."""
    if ends_on is None:
        return {"ends_on": "Enter the last day the duty is delegated."}
    if ends_on < period.starts_on:
        return {"ends_on": "The end date cannot be before the delegation started."}
    if period.ends_on is not None and ends_on > period.ends_on:
        return {"ends_on": "A delegation can only be ended earlier, not extended: add a new one."}
    return {}


def training_problems(
    *, completed_on: date | None, expires_on: date | None, reference: str, today: date
) -> dict[str, str]:
    """What is wrong with a training record, by field (empty when fine)."""
    problems: dict[str, str] = {}
    if completed_on is None:
        problems["completed_on"] = "Enter the date the training was completed."
    elif completed_on > today:
        problems["completed_on"] = "The completion date cannot be in the future."
    elif expires_on is not None and expires_on <= completed_on:
        problems["expires_on"] = "The expiry date must be after the completion date."
    if len(reference) > REFERENCE_MAX_LENGTH:
        problems["certificate_reference"] = (
            f"Keep the certificate reference to {REFERENCE_MAX_LENGTH} characters."
        )
    return problems


class CertificateState(StrEnum):
    CURRENT = "current"
    EXPIRING = "expiring"
    EXPIRED = "expired"


def certificate_state(expires_on: date | None, today: date) -> CertificateState:
    """Current, expiring (within the notice period) or expired, on `today`."""
    if expires_on is None or (expires_on - today).days > EXPIRY_NOTICE_DAYS:
        return CertificateState.CURRENT
    return CertificateState.EXPIRED if expires_on < today else CertificateState.EXPIRING


@dataclass(frozen=True)
class Certificate:
    """One training record as the expiry rules see it."""

    holder: object
    kind: str
    completed_on: date
    expires_on: date | None
    kind_label: str = ""


def latest_certificates(records: Iterable[Certificate]) -> list[Certificate]:
    """Each holder's most recent record of each kind: a renewed certificate replaces the old."""
    latest: dict[tuple[object, str], Certificate] = {}
    for record in records:
        key = (record.holder, record.kind)
        held = latest.get(key)
        if held is None or record.completed_on > held.completed_on:
            latest[key] = record
    return list(latest.values())


def needing_attention(records: Iterable[Certificate], today: date) -> list[Certificate]:
    """The latest certificates that are expiring or expired on `today`, soonest first."""
    due = [
        record
        for record in latest_certificates(records)
        if certificate_state(record.expires_on, today) != CertificateState.CURRENT
    ]
    return sorted(due, key=lambda record: record.expires_on)
