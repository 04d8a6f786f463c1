"""The NCSCT-based session protocol: session types, BCTs, and what each type expects."""

from datetime import date, timedelta

from django.db import models


class SessionType(models.TextChoices):
    PRE_QUIT = "pre_quit", "Pre-quit"
    QUIT_DAY = "quit_day", "Quit day"
    FOLLOW_UP = "follow_up", "Follow-up"
    FINAL = "final", "Final"


class SessionMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    TELEPHONE = "telephone", "Telephone"
    VIDEO = "video", "Video"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "dna", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class BCT(models.TextChoices):
    BELIEFS_MENTAL_HEALTH = (
        "beliefs_mental_health",
        "Address beliefs about smoking and mental health",
    )
    ASSESS_SMOKING = "assess_smoking", "Assess smoking, past quit attempts and nicotine dependence"
    ABRUPT_NOT_A_PUFF = "abrupt_not_a_puff", 'Explain abrupt cessation and the "not a puff" rule'
    WITHDRAWAL_CRAVINGS = "withdrawal_cravings", "Withdrawal symptoms and cravings"
    DISCUSS_MEDICATION = "discuss_medication", "Discuss medication and products"
    SET_QUIT_DATE = "set_quit_date", "Set quit date and prompt commitment"
    NRT_VOUCHER_OR_REFERRAL = (
        "nrt_voucher_or_referral",
        "Provide NRT voucher or refer for varenicline",
    )
    ASK_MEDICATION_USE = "ask_medication_use", "Ask about medication use"
    CHANGE_ROUTINES = "change_routines", "Change routines"
    CO_MONITORING = "co_monitoring", "CO monitoring"
    SOCIAL_SUPPORT = "social_support", "Smoking contacts and social support"
    HIGH_RISK_SITUATIONS = "high_risk_situations", "High-risk situations"
    FINAL_SUMMARY = "final_summary", "Final summary and plan"


class Product(models.TextChoices):
    NRT_PATCH = "nrt_patch", "NRT patch"
    NRT_GUM = "nrt_gum", "NRT gum"
    NRT_LOZENGE = "nrt_lozenge", "NRT lozenge"
    NRT_INHALATOR = "nrt_inhalator", "NRT inhalator"
    NRT_MOUTH_SPRAY = "nrt_mouth_spray", "NRT mouth spray"
    NRT_NASAL_SPRAY = "nrt_nasal_spray", "NRT nasal spray"
    VARENICLINE = "varenicline", "Varenicline"
    BUPROPION = "bupropion", "Bupropion"
    E_CIGARETTE = "e_cigarette", "E-cigarette"


class ProductAction(models.TextChoices):
    RECOMMENDED = "recommended", "Recommended"
    PROVIDED = "provided", "Provided"


MAX_SESSIONS = 12
# (2nd ed.) Sessions an intervention participant must attend to count as adherent: pre-quit,
# quit day and two follow-ups (clinical-rules.md; overridable in Pilot.minimum_sessions).
DEFAULT_MINIMUM_SESSIONS = 4

# Treatment sessions are offered for this many weeks from the first attended session (a design
# decision of this project, overridable in Pilot.treatment_weeks).
DEFAULT_TREATMENT_WEEKS = 12
MAX_TREATMENT_WEEKS = 52

# Protocol defaults (a design decision of this project, overridable in Pilot.expected_bcts).
DEFAULT_EXPECTED_BCTS: dict[str, tuple[str, ...]] = {
    SessionType.PRE_QUIT: (
        BCT.BELIEFS_MENTAL_HEALTH,
        BCT.ASSESS_SMOKING,
        BCT.ABRUPT_NOT_A_PUFF,
        BCT.WITHDRAWAL_CRAVINGS,
        BCT.DISCUSS_MEDICATION,
        BCT.SET_QUIT_DATE,
        BCT.NRT_VOUCHER_OR_REFERRAL,
        BCT.CO_MONITORING,
    ),
    SessionType.QUIT_DAY: (
        BCT.ABRUPT_NOT_A_PUFF,
        BCT.WITHDRAWAL_CRAVINGS,
        BCT.ASK_MEDICATION_USE,
        BCT.CHANGE_ROUTINES,
        BCT.CO_MONITORING,
        BCT.SOCIAL_SUPPORT,
        BCT.HIGH_RISK_SITUATIONS,
    ),
    SessionType.FOLLOW_UP: (
        BCT.WITHDRAWAL_CRAVINGS,
        BCT.ASK_MEDICATION_USE,
        BCT.CO_MONITORING,
        BCT.HIGH_RISK_SITUATIONS,
    ),
    SessionType.FINAL: (
        BCT.ASK_MEDICATION_USE,
        BCT.CO_MONITORING,
        BCT.HIGH_RISK_SITUATIONS,
        BCT.FINAL_SUMMARY,
    ),
}

# Which type a session number usually is (clinical-rules.md table); 6+ are follow-up or final.
_TYPE_BY_NUMBER = {1: SessionType.PRE_QUIT, 2: SessionType.QUIT_DAY, 6: SessionType.FINAL}


def expected_bcts(session_type: str, overrides: dict | None = None) -> tuple[str, ...]:
    """The BCT codes the protocol expects for a session type (pilot overrides first), each once."""
    if overrides and session_type in overrides:
        return tuple(dict.fromkeys(overrides[session_type]))
    return tuple(DEFAULT_EXPECTED_BCTS.get(session_type, ()))


def duplicate_expected_bcts(overrides: dict) -> dict[str, list[str]]:
    """Per session type, the BCT codes an expected-BCT configuration lists more than once."""
    duplicates = {}
    for session_type, codes in overrides.items():
        codes = list(codes)
        repeated = [code for code in dict.fromkeys(codes) if codes.count(code) > 1]
        if repeated:
            duplicates[session_type] = repeated
    return duplicates


def is_adherent(sessions_attended: int, minimum: int = DEFAULT_MINIMUM_SESSIONS) -> bool:
    """(2nd ed.) Whether a participant attended at least the protocol minimum of sessions."""
    return sessions_attended >= minimum


def suggested_session_type(number: int) -> str:
    """The session type the protocol table gives for a session number."""
    return _TYPE_BY_NUMBER.get(number, SessionType.FOLLOW_UP)


def fidelity(delivered: list[str] | tuple[str, ...], expected: tuple[str, ...]) -> float | None:
    """Share of the expected BCTs that were delivered; None when nothing is expected."""
    if not expected:
        return None
    return len(set(delivered) & set(expected)) / len(set(expected))


def session_date_errors(
    *, session_date: date | None, quit_date: date | None, screened_on: date | None, today: date
) -> list[tuple[str, str]]:
    """The date rules of a session as (field, message): neither date before screening, the
    session not in the future. Forms and the service both check these, so each names its
    field in the first round."""
    errors = []
    if session_date is not None and session_date > today:
        errors.append(("session_date", "Session date cannot be in the future."))
    if screened_on is not None:
        on = f"{screened_on.day} {screened_on:%b %Y}"
        if session_date is not None and session_date < screened_on:
            errors.append(("session_date", f"Session date cannot be before screening ({on})."))
        if quit_date is not None and quit_date < screened_on:
            errors.append(("quit_date_set", f"The quit date cannot be before screening ({on})."))
    return errors


def treatment_period_open(first_session_on: date | None, today: date, weeks: int) -> bool:
    """Whether sessions are still offered: no session attended yet, or fewer than `weeks` weeks
    since the first one (day 0 is the first session's day)."""
    return first_session_on is None or today < first_session_on + timedelta(weeks=weeks)
