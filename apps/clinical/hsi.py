"""Heaviness of Smoking Index (HSI), 0-6, from time to first cigarette and cigarettes per day.

clinical-rules.md: <= 5 min = 3, 6-30 = 2, 31-60 = 1, > 60 = 0; <= 10 a day = 0, 11-20 = 1,
21-30 = 2, >= 31 = 3; bands low 0-1, medium 2-4, high 5-6.
"""

from dataclasses import dataclass

from apps.clinical.scoring import check_int_range

HSI_LOW = "low"
HSI_MEDIUM = "medium"
HSI_HIGH = "high"


@dataclass(frozen=True, slots=True)
class HSIScore:
    """Heaviness of Smoking Index: the two component points, the 0-6 score and its band."""

    time_to_first_points: int
    cigarettes_points: int
    score: int
    band: str


def hsi_band(score: int) -> str:
    """Return the HSI band for a score of 0-6: low 0-1, medium 2-4, high 5-6."""
    check_int_range(score, "HSI score", 0, 6)
    if score <= 1:
        return HSI_LOW
    if score <= 4:
        return HSI_MEDIUM
    return HSI_HIGH


def heaviness_of_smoking_index(
    minutes_to_first_cigarette: int, cigarettes_per_day: int
) -> HSIScore:
    """Score the HSI from minutes to first cigarette after waking and cigarettes per day."""
    minutes = check_int_range(minutes_to_first_cigarette, "minutes_to_first_cigarette", 0, None)
    per_day = check_int_range(cigarettes_per_day, "cigarettes_per_day", 0, None)
    if minutes <= 5:
        ttf = 3
    elif minutes <= 30:
        ttf = 2
    elif minutes <= 60:
        ttf = 1
    else:
        ttf = 0
    if per_day <= 10:
        cpd = 0
    elif per_day <= 20:
        cpd = 1
    elif per_day <= 30:
        cpd = 2
    else:
        cpd = 3
    return HSIScore(
        time_to_first_points=ttf, cigarettes_points=cpd, score=ttf + cpd, band=hsi_band(ttf + cpd)
    )
