"""A pure plan of a realistic pilot: who is screened, randomised, seen and followed up, and when.

No ORM, no clock: a seeded `random.Random`, the sites and `today` in, dates, answers and choices
out, so the same inputs always give the same pilot. Two writers turn a plan into rows:
`load.py` through the real services (the demo) and `bulk.py` with bulk inserts (the synthetic
benchmark pilot). Every event falls on or before the day before `today`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from apps.clinical import schedule
from apps.clinical.protocol import (
    Attendance,
    SessionMode,
    SessionType,
    suggested_session_type,
)
from apps.demo.calendar_safety import is_calendar_safe
from apps.demo.plan_draws import (
    Mood,
    alert_for,
    draw_bcts,
    draw_duration,
    draw_pharmacotherapy,
    draw_time,
)
from apps.demo.plan_smoking import SmokingCourse, co_reading, smoking_report
from apps.demo.plan_types import (
    LONDON,
    AlertPlan,
    ExitPlan,
    FollowUpPlan,
    ParticipantPlan,
    ScreeningPlan,
    SessionPlan,
    SitePlan,
    SiteSpec,
)

CONSENT_FORM_VERSION = "v1.0"
EXCLUSION_DETAILS = {
    "under_18": "Aged 17.",
    "not_daily_smoker": "Smokes at weekends only.",
    "no_depression_anxiety": "Referred for sleep difficulties; PHQ-9 and GAD-7 below caseness.",
    "not_starting_therapy": "Already discharged from Talking Therapies.",
    "no_wish_to_quit": "Wants to cut down, not to stop.",
    "site_exclusion": "Currently pregnant (site protocol: referred to maternity service).",
    "other": "Insufficient English for the consent process; interpreter offered.",
}


ENGAGEMENT = {
    "typical": [4, 8, 9, 11, 14, 14, 28, 7, 5],
    "intensive": [2, 3, 3, 4, 5, 6, 10, 8, 8, 10, 12, 12, 17],
}

CRITERIA = (
    "aged_18_or_over",
    "smokes_daily",
    "has_depression_or_anxiety",
    "starting_talking_therapies",
    "wants_help_to_quit",
)
_EXCLUSION_BY_CRITERION = {
    "aged_18_or_over": "under_18",
    "smokes_daily": "not_daily_smoker",
    "has_depression_or_anxiety": "no_depression_anxiety",
    "starting_talking_therapies": "not_starting_therapy",
    "wants_help_to_quit": "no_wish_to_quit",
}


def plan_site(
    rng: random.Random,
    spec: SiteSpec,
    today: date,
    engagement: str = "typical",
    *,
    calendar_safe: bool = False,
) -> SitePlan:
    """Plan one site's screening log and every participant's journey up to yesterday.

    `engagement` picks how many sessions intervention participants attend: "typical" (a
    pilot's spread, most stopping by session 6) or "intensive" (most using the extended
    programme of up to 12 sessions: the heavier load the benchmarks want). `calendar_safe`
    plans only journeys that keep their shape when moved to any other date (calendar_safety.py).
    """
    weights = ENGAGEMENT[engagement]
    last_day = today - timedelta(days=1)
    screened_total = round(spec.randomised / 0.675)
    others = screened_total - spec.randomised
    awaiting = 1 if others >= 4 else 0
    withdrawn_early = 1 if others >= 6 else 0
    not_eligible = round((others - awaiting - withdrawn_early) * 0.58)
    declined = others - awaiting - withdrawn_early - not_eligible
    # Recruitment runs from the window opening to a week before yesterday (so the most recent
    # randomised people have time to consent); the person awaiting consent comes last.
    first = spec.opens_on
    latest = max(first, min(spec.closes_on, last_day) - timedelta(days=8))
    span = (latest - first).days
    days = sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(screened_total))
    kinds = (
        ["randomised"] * spec.randomised
        + ["withdrawn_early"] * withdrawn_early
        + ["not_eligible"] * not_eligible
        + ["declined"] * declined
    )
    rng.shuffle(kinds)
    if awaiting:
        kinds.append("awaiting")
        days[-1] = max(days[-1], last_day - timedelta(days=rng.randint(1, 4)))
        days.sort()
    screenings: list[ScreeningPlan] = []
    number = 0
    for day, kind in zip(days, kinds, strict=True):
        pwp = rng.randrange(2)
        screening = ScreeningPlan(
            screened_on=day, screened_by=pwp, criteria=dict.fromkeys(CRITERIA, True)
        )
        if kind == "not_eligible":
            _plan_exclusion(rng, screening)
        elif kind == "declined":
            screening.declined = True
            screening.decline_reason = rng.choices(
                ["not_interested", "no_time", "prefers_other_support", "not_ready", "other"],
                weights=[35, 20, 20, 20, 5],
            )[0]
            if screening.decline_reason == "other":
                screening.reason_detail = "Wants to focus on therapy first."
        else:
            number += 1
            screening.participant = ParticipantPlan(number=number, pwp=pwp)
        screenings.append(screening)
        if kind in ("randomised", "withdrawn_early"):
            _plan_participant(rng, screening, kind, last_day, spec.code)
    blocks = _assign_arms(rng, screenings)
    for screening in screenings:
        person = screening.participant
        if person and person.randomised_on:
            if calendar_safe:
                _plan_calendar_safe_treatment(rng, person, last_day, today, weights)
            else:
                _plan_treatment(rng, person, last_day, today, weights)
    return SitePlan(spec=spec, screenings=screenings, blocks=blocks)


def _plan_exclusion(rng: random.Random, screening: ScreeningPlan) -> None:
    criterion = rng.choices(CRITERIA, weights=[4, 25, 20, 20, 31])[0]
    screening.criteria[criterion] = False
    reason = _EXCLUSION_BY_CRITERION[criterion]
    if rng.random() < 0.12:
        reason = rng.choice(["site_exclusion", "other"])
    screening.exclusion_reason = reason
    if rng.random() < 0.6:
        screening.reason_detail = EXCLUSION_DETAILS[reason]


def _plan_participant(
    rng: random.Random, screening: ScreeningPlan, kind: str, last: date, code: str
) -> None:
    person = screening.participant
    assert person is not None
    person.consented_on = min(last, screening.screened_on + timedelta(days=rng.randint(0, 5)))
    year = person.consented_on.year
    cigarettes = max(3, min(60, round(rng.gauss(18, 7))))
    person.baseline = {
        "cigarettes_per_day": cigarettes,
        "minutes_to_first_cigarette": rng.choice([2, 5, 5, 10, 15, 20, 30, 30, 45, 60, 90]),
        "sex": rng.choices(["female", "male", "other", "not_stated"], weights=[54, 42, 2, 2])[0],
        "year_of_birth": year - rng.randint(19, 68),
    }
    channel = "email" if rng.random() < 0.65 else "sms"
    person.contact = {
        "email": f"participant.{code.lower()}{person.number:04d}@example.test",
        "mobile": f"07700 900{rng.randint(0, 999):03d}",
        "preferred_channel": channel,
        "consent_to_contact": rng.random() > 0.04,
    }
    if kind == "withdrawn_early":
        person.withdrawn_before_randomisation = ExitPlan(
            status="withdrawn",
            on=min(last, person.consented_on + timedelta(days=rng.randint(1, 6))),
            reason="participant_choice",
            detail="Changed their mind before randomisation.",
        )
        return
    person.randomised_on = min(last, person.consented_on + timedelta(days=rng.randint(0, 2)))


def _assign_arms(rng: random.Random, screenings: list[ScreeningPlan]) -> list[list[str]]:
    """Permuted blocks of 2, 4 or 6 in randomisation (screening) order, as the service does."""
    blocks: list[list[str]] = []
    position = 0
    for screening in screenings:
        person = screening.participant
        if not person or not person.randomised_on:
            continue
        if not blocks or position == len(blocks[-1]):
            size = rng.choice((2, 4, 6))
            arms = ["intervention", "control"] * (size // 2)
            rng.shuffle(arms)
            blocks.append(arms)
            position = 0
        person.arm = blocks[-1][position]
        person.block_index = len(blocks) - 1
        person.block_position = position
        position += 1
    return blocks


# --------------------------------------------------------------------------------------------
# Treatment and follow-up
# --------------------------------------------------------------------------------------------


# How long after consent randomisation may be put off to find a calendar-safe journey.
LATEST_RANDOMISATION_AFTER_CONSENT = timedelta(days=28)


def _plan_calendar_safe_treatment(
    rng: random.Random, person: ParticipantPlan, last: date, today: date, weights: list[int]
) -> None:
    """Plan the treatment, on later randomisation days with fresh draws, until calendar safe."""
    assert person.randomised_on is not None and person.consented_on is not None
    first_choice = person.randomised_on
    latest = min(last, person.consented_on + LATEST_RANDOMISATION_AFTER_CONSENT)
    days = [first_choice] + [
        day
        for offset in range((latest - person.consented_on).days + 1)
        if (day := person.consented_on + timedelta(days=offset)) > first_choice
    ]
    for day in days:
        _clear_treatment(person)
        person.randomised_on = day
        _plan_treatment(rng, person, last, today, weights)
        if is_calendar_safe(person, today):
            return
    raise RuntimeError(f"no calendar-safe journey for participant {person.number} by {latest}")


def _clear_treatment(person: ParticipantPlan) -> None:
    person.baseline_measures = None
    person.baseline_co = None
    person.quit_date = None
    person.sessions = []
    person.follow_ups = []
    person.exit = None
    person.completed = False


def _plan_treatment(
    rng: random.Random, person: ParticipantPlan, last: date, today: date, weights: list[int]
) -> None:
    """Baseline measures, sessions (intervention arm), follow-ups, exit and completion."""
    randomised_on = person.randomised_on
    assert randomised_on is not None
    mood = Mood(rng, randomised_on)
    cigarettes = person.baseline["cigarettes_per_day"]
    person.baseline_measures = mood.measure(randomised_on, allow_risk=False)
    person.baseline_co = max(4, min(70, round(6 + cigarettes * 0.7 + rng.gauss(0, 4))))
    exit_roll = rng.random()
    exit_plan = None
    if exit_roll < 0.05:
        on = randomised_on + timedelta(days=rng.randint(10, 150))
        if on <= last:
            reason = rng.choices(
                ["participant_choice", "clinical_decision", "moved_away", "discharged"],
                weights=[50, 20, 15, 15],
            )[0]
            exit_plan = ExitPlan("withdrawn", on, reason, "")
    lost = 0.05 <= exit_roll < 0.12
    cutoff = exit_plan.on if exit_plan else last + timedelta(days=1)
    quitter = False
    if person.arm == "intervention":
        quitter = _plan_sessions(rng, person, mood, cutoff, today, weights)
    smoking = SmokingCourse(rng, person, quitter, cigarettes)
    windows = schedule.follow_up_windows(randomised_on, person.quit_date)
    for window in windows:
        person.follow_ups.append(
            _plan_follow_up(rng, person, window, mood, smoking, exit_plan, lost, last, today)
        )
    month3 = next(f for f in person.follow_ups if f.timepoint == schedule.MONTH3)
    if lost and month3.status == schedule.MISSED:
        on = month3.window.closes_on + timedelta(days=rng.randint(2, 14))
        if on <= last:
            exit_plan = ExitPlan("lost", on, "uncontactable", "No reply to calls, texts or email.")
    person.exit = exit_plan
    month6 = person.follow_ups[-1]
    person.completed = exit_plan is None and month6.status in (schedule.COMPLETED, schedule.MISSED)


def _plan_sessions(
    rng: random.Random,
    person: ParticipantPlan,
    mood: Mood,
    cutoff: date,
    today: date,
    weights: list[int],
) -> bool:
    """Intervention sessions up to the cutoff; returns whether the participant quits."""
    assert person.randomised_on is not None
    engagement = rng.choices(range(len(weights)), weights=weights)[0]
    quitter = rng.random() < min(0.55, 0.2 + 0.04 * engagement)
    preferred_mode = rng.choices(
        [SessionMode.FACE_TO_FACE, SessionMode.TELEPHONE, SessionMode.VIDEO], weights=[50, 35, 15]
    )[0]
    day = person.randomised_on + timedelta(days=rng.randint(2, 10))
    quit_date = None
    number = 1
    while number <= engagement:
        if day >= cutoff:
            break
        practitioner = person.pwp if rng.random() < 0.9 else 1 - person.pwp
        session_type = suggested_session_type(number)
        if session_type == SessionType.FINAL and number != engagement:
            session_type = SessionType.FOLLOW_UP
        if number == engagement and number >= 4:
            session_type = SessionType.FINAL
        roll = rng.random()
        if roll < 0.12:
            attendance = Attendance.DID_NOT_ATTEND if roll < 0.09 else Attendance.CANCELLED
            person.sessions.append(
                SessionPlan(number, day, session_type, attendance, practitioner=practitioner)
            )
            day += timedelta(days=rng.randint(3, 7))
            continue
        mode = preferred_mode if rng.random() < 0.8 else rng.choice(list(SessionMode.values))
        session = SessionPlan(
            number,
            day,
            session_type,
            Attendance.ATTENDED,
            practitioner=practitioner,
            mode=mode,
            duration_minutes=draw_duration(rng, session_type),
            bcts=draw_bcts(rng, session_type),
        )
        if number == 1:
            quit_date = day + timedelta(days=rng.randint(7, 14))
            session.quit_date_set = quit_date
            session.pharmacotherapy = draw_pharmacotherapy(rng)
        if mode == SessionMode.FACE_TO_FACE:
            after_quit = quit_date is not None and day >= quit_date
            session.co_ppm = co_reading(rng, person, abstinent=after_quit and quitter)
        session.measures = mood.measure(day)
        alert_for(rng, session.measures, draw_time(day, rng), today)
        person.sessions.append(session)
        if number == 1 and quit_date:
            day = quit_date
        else:
            day += timedelta(days=rng.randint(6, 9))
        number += 1
    person.quit_date = quit_date
    return quitter and quit_date is not None


def _plan_follow_up(
    rng: random.Random,
    person: ParticipantPlan,
    window: schedule.FollowUpWindow,
    mood: Mood,
    smoking: SmokingCourse,
    exit_plan: ExitPlan | None,
    lost: bool,
    last: date,
    today: date,
) -> FollowUpPlan:
    status = schedule.follow_up_status(window, today, completed=False)
    plan = FollowUpPlan(window=window, status=status)
    stop = exit_plan.on if exit_plan else last + timedelta(days=1)
    chance = {"week4": 0.8, "month3": 0.74, "month6": 0.66}[window.timepoint]
    if lost and window.timepoint != schedule.WEEK4:
        chance = 0.0
    latest = min(window.closes_on, last, stop - timedelta(days=1))
    if window.opens_on <= latest and rng.random() < chance:
        earliest = window.opens_on
        target = window.due_on + timedelta(days=rng.randint(-3, 12))
        plan.completed_on = max(earliest, min(latest, target))
        plan.status = schedule.COMPLETED
        _fill_follow_up(rng, person, plan, mood, smoking, today)
    elif (
        exit_plan
        and exit_plan.status == "withdrawn"
        and (status in (schedule.SCHEDULED, schedule.OPEN) or window.opens_on > exit_plan.on)
    ):
        # Withdrawal cancels what is still to come (and windows that opened after it).
        plan.status = "cancelled"
    return plan


def _fill_follow_up(
    rng: random.Random,
    person: ParticipantPlan,
    plan: FollowUpPlan,
    mood: Mood,
    smoking: SmokingCourse,
    today: date,
) -> None:
    timepoint = plan.timepoint
    abstinent = smoking.abstinent(timepoint)
    if timepoint == schedule.WEEK4:
        plan.source = "in_session" if rng.random() < 0.6 else "phone"
    else:
        plan.source = rng.choices(["online", "phone", "in_session"], weights=[40, 40, 20])[0]
    assert plan.completed_on is not None
    plan.smoking = smoking_report(rng, smoking, timepoint, plan.completed_on)
    if plan.source == "in_session":
        plan.co_ppm = co_reading(rng, person, abstinent=abstinent)
    if timepoint != schedule.WEEK4:
        plan.measures = mood.measure(plan.completed_on)
        alert_for(rng, plan.measures, plan.completed_at, today)


def ensure_open_alerts(site_plans: list[SitePlan], count: int, today: date) -> None:
    """Leave `count` recent alerts open: risky answers at the latest attended sessions."""
    sessions = [
        (session.session_date, plan.spec.code, person.number, session)
        for plan in site_plans
        for person in plan.participants()
        for session in person.sessions
        if session.measures is not None
    ]
    sessions.sort(key=lambda row: row[:3], reverse=True)
    open_now = sum(
        1
        for plan in site_plans
        for person in plan.participants()
        for measures in person.measure_sets()
        if measures.alert and measures.alert.acknowledged_at is None
    )
    for _, _, _, session in sessions[: max(0, count - open_now)]:
        measures = session.measures
        assert measures is not None
        if measures.phq9[8] == 0:
            # Move one point from the highest item to item 9, so the total is unchanged.
            top = max(range(8), key=lambda i: measures.phq9[i])
            if measures.phq9[top]:
                measures.phq9[top] -= 1
            measures.phq9[8] = 1
        hour = datetime.combine(session.session_date, time(11, 0), LONDON)
        measures.alert = AlertPlan(raised_at=hour)
