"""The CONSORT flow's counts (consort.py draws them): assessed, excluded, allocated, followed."""

from apps.clinical.outcome_labels import ARM_HEADINGS, TIMEPOINT_HEADINGS
from apps.dashboards.report_sections.follow_up import FOLLOW_UPS
from apps.dashboards.report_sections.sums import Sums
from apps.outcomes.models import Timepoint
from apps.patients.models import Arm, DeclineReason, ExclusionReason, ExitReason


def consort_flow(sums: Sums) -> dict:
    """Every box of the CONSORT diagram for the sites, arm and months shown."""
    scr = sums.scr
    not_randomised = scr["eligible_and_declined"] - scr["declined"] - scr["randomised"]
    return {
        "randomised_pilot": sums.randomised_pilot,
        "assessed": scr["screened"],
        "excluded": scr["not_eligible"] + scr["declined"] + max(0, not_randomised),
        "not_eligible": scr["not_eligible"],
        "not_eligible_reasons": _reasons(scr, "excl", ExclusionReason.choices),
        "declined": scr["declined"],
        "declined_reasons": _reasons(scr, "decl", DeclineReason.choices),
        "other_not_randomised": max(0, not_randomised),
        "other_reasons": _present(
            ("Withdrew before consent", scr["withdrew_before_consent"]),
            ("Consent not yet recorded", scr["awaiting_consent"]),
            ("Consented, not yet randomised or withdrew", scr["consented_not_randomised"]),
        ),
        "randomised": scr["randomised"],
        "arms": [_arm(sums, a) for a in sums.arms],
    }


def _reasons(counts: dict, prefix: str, choices: list[tuple[str, str]]) -> list[tuple[str, int]]:
    return [
        (label, counts[f"{prefix}_{code}"]) for code, label in choices if counts[f"{prefix}_{code}"]
    ]


def _present(*reasons: tuple[str, int]) -> list[tuple[str, int]]:
    return [(label, n) for label, n in reasons if n]


def _arm(sums: Sums, arm: str) -> dict:
    c = sums.arm_counts(arm)
    treated = arm != Arm.CONTROL
    # (2nd ed.) A control participant's sessions exist only as contamination deviations, so
    # "attended a session" in the control arm is the control arm receiving the intervention.
    contaminated = 0 if treated else c["received"]
    return {
        "key": arm,
        "label": ARM_HEADINGS[arm],
        "allocated": c["randomised"],
        "received": c["received"] if treated else c["randomised"] - contaminated,
        "contaminated": contaminated,
        "not_received": (c["not_received_withdrew"] + c["not_received_other"]) if treated else 0,
        "not_received_reasons": _present(
            ("Withdrew before any session", c["not_received_withdrew"]),
            ("No session attended yet", c["not_received_other"]),
        )
        if treated
        else [],
        "timepoints": [_timepoint(c, tp, k) for tp, k in FOLLOW_UPS],
        "analysed": c["m3_done"],
        "not_analysed": c["m3_due"] - c["m3_done"],
    }


def _timepoint(c: dict, tp: str, k: str) -> dict:
    # Participants without a quit date have no 4-week window yet: shown apart from pending.
    no_quit_date = c["no_quit_date"] if tp == Timepoint.WEEK4 else 0
    missed = [("Missed the follow-up window", c[f"{k}_missed"])] if c[f"{k}_missed"] else []
    return {
        "label": TIMEPOINT_HEADINGS[tp],
        "followed_up": c[f"{k}_done"],
        "due": c[f"{k}_due"],
        "lost": c[f"{k}_lost"] + c[f"{k}_missed"],
        "lost_reasons": _reasons(c, f"{k}_lost", ExitReason.choices) + missed,
        "withdrew": c[f"{k}_withdrew"],
        "withdrew_reasons": _reasons(c, f"{k}_withdrew", ExitReason.choices),
        # (2nd ed.) Shown with their reason; left out of the abstinence denominators.
        "died": c[f"{k}_died"],
        "untraceable": c[f"{k}_untraceable"],
        "pending": c[f"{k}_pending"] - no_quit_date,
        "no_quit_date": no_quit_date,
    }
