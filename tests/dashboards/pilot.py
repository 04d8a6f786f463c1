"""A small hand-built pilot whose every dashboard figure is known, built through the services."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from apps.cessation.services import SessionInput, record_session
from apps.clinical import questionnaire_content as content
from apps.clinical import schedule
from apps.clinical.protocol import BCT, DEFAULT_EXPECTED_BCTS, Attendance, SessionType
from apps.dashboards.models import ProgressionCriterion
from apps.journey import services as journey
from apps.outcomes import services as outcomes
from apps.outcomes.selectors import known_reference_quit_date
from apps.patients import services as patients
from apps.patients.models import RandomisationBlock
from apps.reminders.models import FollowUp
from tests.factories import eligible_criteria, make_participant

D = dt.date
RANDOMISED_ON = D(2025, 2, 10)
QUIT_DATE = D(2025, 2, 17)
DEFAULT_CRITERIA = [
    ("enrolment", "Enrolment of eligible clients", 20, 10, 1),
    ("recruitment", "Recruitment to target", 80, 60, 2),
    ("completeness", "Outcome-data completeness", 70, 50, 3),
    ("quit_attempt", "Quit attempt, intervention arm", 8, 4, 4),
    ("retention_3m", "Retention at 3 months", 70, 50, 5),
]


def seed_criteria() -> None:
    """The default thresholds (transactional tests flush the migration's seed)."""
    for key, label, green, amber, order in DEFAULT_CRITERIA:
        ProgressionCriterion.objects.update_or_create(
            key=key,
            defaults={
                "label": label,
                "green_from": green,
                "amber_from": amber,
                "display_order": order,
            },
        )


@dataclass
class Pilot:
    site_a: object
    site_b: object
    people: dict = field(default_factory=dict)


def _fixed_arms(site, arms: list[str]) -> None:
    """Pre-create the site's block so allocation is known (the block stays concealed in use)."""
    RandomisationBlock.objects.create(site=site, sequence=1, arms=arms)


def _screen(site, pwp, on, **kwargs):
    criteria = eligible_criteria()
    criteria.update(kwargs.pop("criteria", {}))
    return patients.screen_person(
        site=site, screened_by=pwp, screened_on=on, criteria=criteria, **kwargs
    )


def _randomise(site, pwp, on, *, quit_date=None):
    participant = _screen(site, pwp, on).participant
    patients.record_consent(
        participant=participant, consented_on=on, consent_form_version="v1.0", taken_by=pwp
    )
    journey.record_baseline(
        participant=participant,
        recorded_on=on,
        cigarettes_per_day=20,
        minutes_to_first_cigarette=10,
        sex="female",
        year_of_birth=1980,
        email="p@example.test",
    )
    journey.randomise_participant(participant=participant, by=pwp, today=on)
    if quit_date:
        journey.set_quit_date(participant=participant, quit_date=quit_date)
    participant.refresh_from_db()
    return participant


def _follow_up(participant, timepoint):
    return FollowUp.objects.get(participant=participant, timepoint=timepoint)


def _smoking(participant, timepoint, on, *, follow_up=True, **answers):
    values = {
        "smoked_last_7_days": False,
        "quit_attempt_since_last_contact": False,
        "uses_e_cigarette": False,
        "uses_stop_smoking_medication": False,
    }
    values.update(answers)
    values.update(_required_defaults(participant, timepoint, on, values))
    return outcomes.record_smoking_status(
        participant=participant,
        completed_on=on,
        timepoint=timepoint,
        follow_up=_follow_up(participant, timepoint) if follow_up else None,
        **values,
    )


def _required_defaults(participant, timepoint, on, values) -> dict:
    """Answers every follow-up requires that a test left out, chosen to decide nothing: smoked
    since day 14 (20 cigarettes), and a stop date on the day of the report."""
    defaults = {}
    known = known_reference_quit_date(participant)
    if (
        timepoint in schedule.TIMEPOINTS
        and content.asks_since_day_14(known, on)
        and values.get("smoke_free_since_day_14") is None
        and values.get("cigarettes_since_day_14") is None
    ):
        defaults = {"smoke_free_since_day_14": False, "cigarettes_since_day_14": 20}
    if content.asks_stop_date(timepoint) and not values["smoked_last_7_days"]:
        defaults.setdefault("stopped_on", values.get("stopped_on") or on)
    return defaults


def _co(participant, timepoint, on, ppm):
    taken = timezone.make_aware(dt.datetime.combine(on, dt.time(11, 0)))
    return outcomes.record_co_reading(
        participant=participant, ppm=ppm, taken_at=taken, timepoint=timepoint
    )


def _mood(participant, timepoint, on, phq_total, gad_total):
    """A PHQ-9 and a GAD-7 at the same contact with the given totals (item 9 kept at 0)."""
    phq = [min(3, max(0, phq_total - 3 * i)) for i in range(8)] + [0]
    gad = [min(3, max(0, gad_total - 3 * i)) for i in range(7)]
    assert sum(phq) == phq_total and sum(gad) == gad_total
    outcomes.record_phq9(participant=participant, items=phq, completed_on=on, timepoint=timepoint)
    outcomes.record_gad7(participant=participant, items=gad, completed_on=on, timepoint=timepoint)


def build_small_pilot(site_a, site_b, pwp_a, pwp_b) -> Pilot:
    """Hand-built pilot (see docs/metrics.md); expected figures are in the tests.

    Site A (BRS), screened 2025-02-10: 2 not eligible (under 18, not a daily smoker), 1 eligible
    who declined (not interested), 1 eligible awaiting consent, 5 randomised (A1-A5, arms
    I, C, I, C, I from a fixed block). Site B (LDS): 1 randomised (B1, intervention) 10 days
    ago, so none of its follow-ups is due yet.
    """
    _fixed_arms(site_a, ["intervention", "control", "intervention", "control", "intervention"])
    _fixed_arms(site_b, ["intervention", "control"])
    on = RANDOMISED_ON
    _screen(site_a, pwp_a, on, criteria={"aged_18_or_over": False})
    _screen(site_a, pwp_a, on, criteria={"smokes_daily": False})
    _screen(site_a, pwp_a, on, declined=True, decline_reason="not_interested")
    _screen(site_a, pwp_a, on)  # eligible, consent not yet recorded
    pilot = Pilot(site_a=site_a, site_b=site_b)

    # A1 (intervention): every session type, CO-verified 4-week quit, abstinent at 3 and 6
    # months with CO, RS6, recovery on PHQ-9/GAD-7.
    a1 = _randomise(site_a, pwp_a, on, quit_date=QUIT_DATE)
    pre_quit = list(DEFAULT_EXPECTED_BCTS[SessionType.PRE_QUIT])
    quit_day = list(DEFAULT_EXPECTED_BCTS[SessionType.QUIT_DAY])[:-2]  # 5 of 7
    record_session(
        participant=a1,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=D(2025, 2, 11), attendance=Attendance.ATTENDED, number=1,
            session_type=SessionType.PRE_QUIT, mode="face_to_face", duration_minutes=15,
            bcts_delivered=pre_quit,
        ),
    )  # fmt: skip
    record_session(
        participant=a1,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=D(2025, 2, 17), attendance=Attendance.ATTENDED, number=2,
            session_type=SessionType.QUIT_DAY, mode="face_to_face", duration_minutes=10,
            bcts_delivered=[*quit_day, BCT.FINAL_SUMMARY],
        ),
    )  # fmt: skip
    record_session(
        participant=a1,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=D(2025, 2, 24), attendance=Attendance.DID_NOT_ATTEND, number=3,
            session_type=SessionType.FOLLOW_UP,
        ),
    )  # fmt: skip
    _mood(a1, "baseline", on, 14, 9)
    _co(a1, "baseline", on, 25)
    _smoking(a1, "week4", D(2025, 3, 17), smoke_free_since_day_14=True,
             quit_attempt_since_last_contact=True)  # fmt: skip
    _co(a1, "week4", D(2025, 3, 17), 4)
    _smoking(a1, "month3", D(2025, 5, 10))
    _co(a1, "month3", D(2025, 5, 10), 5)
    _mood(a1, "month3", D(2025, 5, 10), 8, 6)
    _smoking(a1, "month6", D(2025, 8, 10), cigarettes_since_day_14=2)
    _co(a1, "month6", D(2025, 8, 10), 3)
    _mood(a1, "month6", D(2025, 8, 10), 6, 5)
    pilot.people["A1"] = a1

    # A2 (control): withdrawn after randomisation, nothing else.
    a2 = _randomise(site_a, pwp_a, on)
    journey.withdraw_participant(participant=a2, on=D(2025, 3, 1), reason="participant_choice")
    pilot.people["A2"] = a2

    # A3 (intervention): quit date never set; lost to follow-up; one DNA.
    a3 = _randomise(site_a, pwp_a, on)
    record_session(
        participant=a3,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=D(2025, 2, 11), attendance=Attendance.DID_NOT_ATTEND, number=1,
            session_type=SessionType.PRE_QUIT,
        ),
    )  # fmt: skip
    _mood(a3, "baseline", on, 12, 10)
    patients.mark_lost_to_follow_up(participant=a3, on=D(2025, 6, 1), reason="uncontactable")
    pilot.people["A3"] = a3

    # A4 (control): telephone follow-ups, no CO: self-reported quit and abstinence.
    a4 = _randomise(site_a, pwp_a, on, quit_date=QUIT_DATE)
    _mood(a4, "baseline", on, 5, 4)
    _co(a4, "baseline", on, 20)
    _smoking(a4, "week4", D(2025, 3, 20), smoke_free_since_day_14=True,
             quit_attempt_since_last_contact=True)  # fmt: skip
    _smoking(a4, "month3", D(2025, 5, 12))
    _mood(a4, "month3", D(2025, 5, 12), 12, 9)
    pilot.people["A4"] = a4

    # A5 (intervention): says quit at 4 weeks but CO 12 ppm contradicts it.
    a5 = _randomise(site_a, pwp_a, on, quit_date=QUIT_DATE)
    record_session(
        participant=a5,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=D(2025, 2, 12), attendance=Attendance.ATTENDED, number=1,
            session_type=SessionType.PRE_QUIT, mode="telephone", duration_minutes=12,
            bcts_delivered=pre_quit[:4],
        ),
    )  # fmt: skip
    _smoking(a5, "week4", D(2025, 3, 17), smoke_free_since_day_14=True)
    _co(a5, "week4", D(2025, 3, 17), 12)
    _smoking(a5, "month3", D(2025, 5, 11), smoked_last_7_days=True, cigarettes_last_7_days=40)
    _co(a5, "month3", D(2025, 5, 11), 18)
    pilot.people["A5"] = a5

    # B1 (intervention at site B): randomised 10 days ago, no follow-up due yet.
    recent = timezone.localdate() - dt.timedelta(days=10)
    b1 = make_participant(site=site_b, pwp=pwp_b, stage="randomised", screened_on=recent)
    pilot.people["B1"] = b1
    return pilot
