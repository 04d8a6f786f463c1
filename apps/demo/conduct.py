"""The demo's trial conduct, entered through the services: the automatic checks' deviations and
data queries, a query answered with a correction and closed, one answered, one still open, a
deviation reported by a PWP, and the monitor's source verification at the first site.

Fixed, not drawn: each piece goes on the first participant (by trial ID) that has the record it
needs, so the demo shows the same conduct on every date. Nothing here raises a safety alert or
locks a site, which would change the rest of the demo.
"""

from __future__ import annotations

from apps.conduct.checks import check_participants
from apps.conduct.queries import answer_query, close_query, raise_query
from apps.conduct.query_checks import raise_automatic_queries
from apps.conduct.rules import DeviationValues
from apps.conduct.services import record_deviation
from apps.corrections.rules import Reason
from apps.journey.corrections import correct_baseline
from apps.monitoring.services import verifiable_areas, verify_area
from apps.outcomes.corrections import correct_co_reading
from apps.outcomes.models import COReading, PHQ9Response
from apps.patients.models import Participant

# The monitor verifies these areas for the first this many participants of the first site.
VERIFIED_PARTICIPANTS = 8
VERIFIED_AREAS = ("eligibility", "consent", "randomisation")


def load_conduct(sites, staff, *, data_manager, monitor, today) -> None:
    """Run the checks, then add the hand-entered queries, deviation, corrections and SDV."""
    ids = list(Participant.objects.filter(site__in=sites).values_list("pk", flat=True))
    check_participants(ids)
    raise_automatic_queries(ids)
    first, second, third = sites[0], sites[1], sites[2]
    _co_query_answered_with_a_correction(first, staff[0].pwps[0], monitor)
    _phq9_query_answered(second, staff[1].pwps[0], data_manager)
    _baseline_query_open(third, data_manager)
    _consent_deviation(second, staff[1].pwps[1], today)
    _source_verification(first, monitor)


def _first(site, **filters) -> Participant | None:
    return Participant.objects.filter(site=site, **filters).order_by("trial_id").first()


def _co_query_answered_with_a_correction(site, pwp, monitor) -> None:
    reading = (
        COReading.objects.filter(participant__site=site, timepoint="week4")
        .select_related("participant")
        .order_by("participant__trial_id")
        .first()
    )
    if reading is None:
        return
    query = raise_query(
        participant=reading.participant,
        by=monitor,
        about="4-week CO reading",
        text=f"The CO log sheet reads {reading.ppm + 1} ppm, the record {reading.ppm}: "
        "please check.",
    )
    correct_co_reading(
        reading=reading,
        by=pwp,
        ppm=reading.ppm + 1,
        reason=Reason("data_query", "CO log sheet checked: misread on entry."),
    )
    answer_query(query=query, by=pwp, text="Checked the log sheet and corrected the reading.")
    close_query(query=query, by=monitor, text="Matches the source now.")


def _phq9_query_answered(site, pwp, data_manager) -> None:
    response = (
        PHQ9Response.objects.filter(participant__site=site, timepoint="month3")
        .select_related("participant")
        .order_by("participant__trial_id")
        .first()
    )
    if response is None:
        return
    query = raise_query(
        participant=response.participant,
        by=data_manager,
        about="3-month PHQ-9",
        text="Item 3 is blank on the scanned paper copy: was it answered on the phone?",
    )
    answer_query(query=query, by=pwp, text="Answered on the phone; the record is right.")


def _baseline_query_open(site, data_manager) -> None:
    participant = _first(site, baseline__isnull=False)
    if participant is None:
        return
    baseline = participant.baseline
    raise_query(
        participant=participant,
        by=data_manager,
        about="Baseline cigarettes per day",
        text=f"{baseline.cigarettes_per_day} a day at baseline but 'light smoker' in the "
        "referral letter: please confirm.",
    )


def _consent_deviation(site, pwp, today) -> None:
    participant = _first(site, consented_on__isnull=False, randomised_on__isnull=False)
    if participant is None:
        return
    record_deviation(
        participant=participant,
        by=pwp,
        values=DeviationValues(
            occurred_on=participant.consented_on,
            category="consent",
            description="Page 2 of the signed consent form was not filed with page 1.",
            seriousness="minor",
            corrective_action="Participant re-signed page 2 at the next session; form filed.",
        ),
        today=today,
    )
    # The PWP's correction of a transcription slip in the same participant's baseline.
    baseline = participant.baseline
    correct_baseline(
        participant=participant,
        by=pwp,
        reason=Reason("entry_error", "Typed 1 minute for 10 from the paper form."),
        recorded_on=baseline.recorded_on,
        cigarettes_per_day=baseline.cigarettes_per_day,
        minutes_to_first_cigarette=baseline.minutes_to_first_cigarette + 5,
        sex=baseline.sex,
        year_of_birth=baseline.year_of_birth,
    )


def _source_verification(site, monitor) -> None:
    planned = [a for a in VERIFIED_AREAS if a in verifiable_areas()]
    participants = Participant.objects.filter(site=site, randomised_on__isnull=False).order_by(
        "trial_id"
    )[:VERIFIED_PARTICIPANTS]
    for participant in participants:
        for area in planned:
            verify_area(participant=participant, area=area, by=monitor)
