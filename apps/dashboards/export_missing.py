"""Why a value of the wide export is missing: each timepoint's status and the reason codes.

(2nd ed.) Missing values in analysis exports say why they are missing, never a value. A column
tied to a follow-up timepoint (its Variable's `timepoint`) carries a value only where that
timepoint was completed; anywhere else the cell is the timepoint's reason: empty in CSV (with
`status_<timepoint>` beside it), an extended missing value in Stata and a user-missing code in
SPSS. Values in, values out: no ORM, no clock.
"""

from dataclasses import dataclass

from apps.clinical import participant_outcomes as po
from apps.clinical.outcome_labels import TIMEPOINT_STATUS_LABELS


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a timepoint's values are missing, with its code in each file format."""

    label: str
    stata: str  # extended missing value: .a is written "a"
    spss: int  # user-missing code, declared missing in the .sav


# Stata .a-.e are the reasons clinical-rules.md names; .f keeps untraceable moves apart from
# other losses, because the abstinence denominators leave them out as they do deaths. SPSS codes
# sit far below any value a coded column can take (check4_day can be a few days negative when a
# quit date moves after the check), so -991..-996 never read as data.
NOT_YET_DUE = Reason("Not yet due (or its window is open, not completed)", "a", -991)
NOT_APPLICABLE = Reason("Not applicable (e.g. 4-week check, no quit date)", "b", -992)
MISSED_OR_LOST = Reason("Missed or lost to follow-up", "c", -993)
WITHDRAWN = Reason("Withdrawn before the timepoint", "d", -994)
DIED = Reason("Died before the timepoint", "e", -995)
UNTRACEABLE = Reason("Moved, cannot be traced (a loss)", "f", -996)
REASONS: tuple[Reason, ...] = (
    NOT_YET_DUE,
    NOT_APPLICABLE,
    MISSED_OR_LOST,
    WITHDRAWN,
    DIED,
    UNTRACEABLE,
)
# SPSS allows one range per variable (or three values): the codes are consecutive for that.
SPSS_MISSING_RANGE = {"lo": float(UNTRACEABLE.spss), "hi": float(NOT_YET_DUE.spss)}

# The export's status per timepoint: participant_outcomes()'s, with a window that is open but
# not completed reported as not yet due (fu_<timepoint> still says the window is open).
_EXPORT_STATUS = {po.OPEN: po.NOT_YET_DUE}
REASON_OF_STATUS: dict[str, Reason | None] = {
    po.COMPLETED: None,
    po.NOT_YET_DUE: NOT_YET_DUE,
    po.NOT_APPLICABLE: NOT_APPLICABLE,
    po.MISSED: MISSED_OR_LOST,
    po.LOST: MISSED_OR_LOST,
    po.UNTRACEABLE: UNTRACEABLE,
    po.WITHDRAWN: WITHDRAWN,
    po.DIED: DIED,
}
EXPORT_STATUS_LABELS = {
    **{status: TIMEPOINT_STATUS_LABELS[status] for status in REASON_OF_STATUS},
    po.NOT_YET_DUE: "Not yet due (or window open, not completed)",
}


def export_status(status: str) -> str:
    """The status_<timepoint> code of a participant_outcomes() timepoint status."""
    return _EXPORT_STATUS.get(status, status)


def missing_reason(status: str) -> Reason | None:
    """Why a timepoint's values are missing; None where it was completed (values present)."""
    return REASON_OF_STATUS[export_status(status)]


def missing_codes_text() -> str:
    """The codes as the data dictionary lists them: Stata letter / SPSS code = label."""
    return "; ".join(f".{r.stata} / {r.spss} = {r.label}" for r in REASONS)
