"""Shared bench seeding: randomised participants with email contact and open follow-ups."""

from __future__ import annotations

from datetime import date, timedelta

ELIGIBLE = {
    "aged_18_or_over": True,
    "smokes_daily": True,
    "has_depression_or_anxiety": True,
    "starting_talking_therapies": True,
    "wants_help_to_quit": True,
}


def seed_open_follow_ups(*, code: str, count: int, timepoints: tuple[str, ...]) -> list:
    """A site `code` with `count` randomised participants reachable by email, each with an open
    follow-up per timepoint (due today); returns the FollowUp rows. Call inside a transaction."""
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.patients.models import ContactDetails, Participant, ScreeningRecord
    from apps.reminders.models import FollowUp
    from apps.sites.models import Site

    today = timezone.localdate()
    screened_on = today - timedelta(days=100)
    site = Site.objects.create(
        code=code,
        name=f"Bench site {code}",
        ods_code=f"{code}001",
        recruitment_opens_on=date(2000, 1, 1),
        recruitment_closes_on=date(2100, 1, 1),
    )
    pwp = User.objects.create_user(email=f"{code.lower()}.pwp@nhs.test", password=None, role="pwp")
    screenings = ScreeningRecord.objects.bulk_create(
        ScreeningRecord(
            site=site, screened_on=screened_on, screened_by=pwp, outcome="eligible", **ELIGIBLE
        )
        for _ in range(count)
    )
    people = Participant.objects.bulk_create(
        Participant(
            trial_id=f"{code}-{n + 1:05d}",
            site=site,
            screening=screening,
            assigned_pwp=pwp,
            status="randomised",
            screened_on=screened_on,
            consented_on=screened_on,
            consent_form_version="v1.0",
            consent_taken_by=pwp,
            randomised_on=screened_on,
        )
        for n, screening in enumerate(screenings)
    )
    ContactDetails.objects.bulk_create(
        ContactDetails(
            participant=person,
            email=f"{code.lower()}{n}@example.test",
            preferred_channel="email",
            consent_to_contact=True,
        )
        for n, person in enumerate(people)
    )
    return FollowUp.objects.bulk_create(
        FollowUp(
            participant=person,
            timepoint=timepoint,
            opens_on=today - timedelta(days=3),
            due_on=today,
            closes_on=today + timedelta(days=28),
            status="open",
        )
        for person in people
        for timepoint in timepoints
    )
