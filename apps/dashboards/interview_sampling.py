"""The nested interview study's sampling frame: who agreed to be contacted, by arm, site and
outcome, for the researcher choosing whom to interview.

The outcome is the 3-month 7-day point prevalence of participant_outcomes(), grouped as a
researcher samples on it; no rule is restated here.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from apps.clinical import scoring
from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.clinical.participant_outcomes import ParticipantOutcomes
from apps.clinical.status import Status
from apps.workspace.outcome_records import outcomes_for, randomised_participants

NOT_SMOKING = "not_smoking"
SMOKING = "smoking"
NOT_KNOWN = "not_known"
NOT_YET = "not_yet"
SAMPLING_OUTCOMES = {
    NOT_SMOKING: "Not smoking at 3 months",
    SMOKING: "Smoking at 3 months",
    NOT_KNOWN: "3-month status not known",
    NOT_YET: "Not at 3 months yet",
}
# Someone who has left the study, or died, is not approached.
NOT_APPROACHED = (Status.WITHDRAWN, Status.LOST)


@dataclass(frozen=True)
class Candidate:
    """One participant who agreed to be contacted, as the researcher samples them."""

    trial_id: str
    public_id: str
    site_code: str
    arm: str
    sessions_attended: int
    outcome: str
    agreed_on: date

    @property
    def arm_label(self) -> str:
        """The arm as the page heads it."""
        return ARM_HEADINGS.get(self.arm, self.arm)

    @property
    def outcome_label(self) -> str:
        """The outcome in words."""
        return SAMPLING_OUTCOMES[self.outcome]


def sampling_outcome(o: ParticipantOutcomes) -> str:
    """The 3-month smoking outcome a researcher samples on (not yet, when it does not count)."""
    code = o.counted("month3", o.point_prevalence["month3"])
    if code is None:
        return NOT_YET
    if code in (scoring.ABSTINENT_CO_VERIFIED, scoring.ABSTINENT_SELF_REPORT):
        return NOT_SMOKING
    return SMOKING if code == scoring.SMOKING else NOT_KNOWN


def sampling_frame(candidates: list[Candidate], arms: list[str]) -> list[list]:
    """Rows of the frame: per site and outcome, how many agreed in each arm, and in all."""
    counts = Counter((c.site_code, c.outcome, c.arm) for c in candidates)
    rows = []
    for site in sorted({c.site_code for c in candidates}):
        for outcome, label in SAMPLING_OUTCOMES.items():
            per_arm = [counts[(site, outcome, arm)] for arm in arms]
            rows.append([site, label, *per_arm, sum(per_arm)])
    return rows


def interview_candidates(*, today: date | None = None) -> list[Candidate]:
    """Every randomised participant who agreed to an interview contact and is still in the
    study, by site and trial ID."""
    agreed = (
        randomised_participants().filter(interview_contact=True).exclude(status__in=NOT_APPROACHED)
    )
    extra = {pk: (public_id, on) for pk, public_id, on in
             agreed.values_list("id", "public_id", "interview_contact_on")}  # fmt: skip
    candidates = [
        Candidate(
            trial_id=o.records.trial_id,
            public_id=str(extra[o.records.id][0]),
            site_code=o.records.site_code,
            arm=o.records.arm,
            sessions_attended=o.sessions_attended,
            outcome=sampling_outcome(o),
            agreed_on=extra[o.records.id][1],
        )
        for o in outcomes_for(
            agreed,
            today=today or timezone.localdate(),
            time_zone=settings.TIME_ZONE,
            streamed=False,
        )
    ]
    return sorted(candidates, key=lambda c: (c.site_code, c.trial_id))
